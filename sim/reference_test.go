package sim

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// This file checks the engine against a reference that anyone can verify by
// reading: a plain slice of pending events, from which each step takes the one
// with the smallest (time, sequence number) by a linear scan.

// opKind is one operation of a random or fuzzed script.
type opKind uint8

const (
	opSchedule opKind = iota // schedule an event after delays[x]
	opCancel                 // cancel the event issued x-th (mod count); zero ID if none
	opStep                   // handle one event
	opRunUntil               // run until Now() + delays[x]
	opRun                    // run until the queue is empty
	opReset                  // reset the engine
	numOps
)

func (k opKind) String() string {
	return [...]string{"Schedule", "Cancel", "Step", "RunUntil", "Run", "Reset"}[k]
}

type op struct {
	kind opKind
	x    uint32
}

// delays are the delays the scripts use: few distinct values, with zero
// twice, so that many events share a time. All are multiples of 1/4, so sums
// are exact and the engine and the reference compute identical times.
var delays = [...]float64{0, 0, 0.25, 0.5, 1, 1, 2, 3.75, 16}

func delay(x uint32) float64 { return delays[x%uint32(len(delays))] }

// spawns reports whether the handler of the event with argument arg
// schedules a child event, and after what delay.
func spawns(arg int64) (bool, float64) {
	return arg%4 == 0, delay(uint32(arg / 4))
}

// refEvent is a pending event of the reference.
type refEvent struct {
	at  float64
	seq uint64
	arg int64
}

// reference is the obviously correct model of an Engine. Like the harness,
// it gives every event its issue number as arg.
type reference struct {
	now       float64
	seq       uint64
	issued    int64
	pending   []refEvent
	processed uint64
	log       []rec
}

func (r *reference) schedule(at float64) {
	r.seq++
	r.pending = append(r.pending, refEvent{at, r.seq, r.issued})
	r.issued++
}

func (r *reference) cancel(arg int64) bool {
	for i, ev := range r.pending {
		if ev.arg == arg {
			r.pending = append(r.pending[:i], r.pending[i+1:]...)
			return true
		}
	}
	return false
}

// first returns the index of the next event, or -1.
func (r *reference) first() int {
	best := -1
	for i, ev := range r.pending {
		if best < 0 || ev.at < r.pending[best].at || (ev.at == r.pending[best].at && ev.seq < r.pending[best].seq) {
			best = i
		}
	}
	return best
}

// step handles the next event, which must exist.
func (r *reference) step() {
	i := r.first()
	ev := r.pending[i]
	r.pending = append(r.pending[:i], r.pending[i+1:]...)
	r.now = ev.at
	r.processed++
	r.log = append(r.log, rec{ev.at, ev.arg})
	if ok, d := spawns(ev.arg); ok {
		r.schedule(r.now + d)
	}
}

// harness drives an Engine and a reference through the same script. Every
// event's arg is its issue number, the index of its ID in ids.
type harness struct {
	e   Engine
	ref reference
	ids []ID
	log []rec // events the engine handled
	ok  int   // length of the prefix of log already compared
}

// Handle is the engine's handler for every event.
func (h *harness) Handle(now float64, arg int64) {
	h.log = append(h.log, rec{now, arg})
	if ok, d := spawns(arg); ok {
		h.ids = append(h.ids, h.e.After(d, h, int64(len(h.ids))))
	}
}

// apply runs one operation on both and returns a description of the first
// difference, or "".
func (h *harness) apply(o op) string {
	ref := &h.ref
	switch o.kind {
	case opSchedule:
		h.ids = append(h.ids, h.e.After(delay(o.x), h, int64(len(h.ids))))
		ref.schedule(ref.now + delay(o.x))
	case opCancel:
		if len(h.ids) == 0 {
			if h.e.Cancel(ID{}) {
				return "Cancel(ID{}) returned true"
			}
			break
		}
		arg := int64(o.x) % int64(len(h.ids))
		got, want := h.e.Cancel(h.ids[arg]), ref.cancel(arg)
		if got != want {
			return fmt.Sprintf("Cancel of event %d returned %v, the reference says %v", arg, got, want)
		}
	case opStep:
		got, want := h.e.Step(), len(ref.pending) > 0
		if want {
			ref.step()
		}
		if got != want {
			return fmt.Sprintf("Step returned %v, the reference says %v", got, want)
		}
	case opRunUntil:
		t := h.e.Now() + delay(o.x)
		n := h.e.RunUntil(t)
		m := 0
		for i := ref.first(); i >= 0 && ref.pending[i].at <= t; i = ref.first() {
			ref.step()
			m++
		}
		ref.now = t
		if n != m {
			return fmt.Sprintf("RunUntil(%v) handled %d events, the reference %d", t, n, m)
		}
	case opRun:
		n := h.e.Run()
		m := 0
		for len(ref.pending) > 0 {
			ref.step()
			m++
		}
		if n != m {
			return fmt.Sprintf("Run handled %d events, the reference %d", n, m)
		}
	case opReset:
		h.e.Reset()
		ref.now, ref.pending, ref.processed = 0, ref.pending[:0], 0
	}
	if int64(len(h.ids)) != ref.issued {
		return fmt.Sprintf("%d events were scheduled on the engine, %d on the reference", len(h.ids), ref.issued)
	}
	return h.compare()
}

// compare checks the engine's observable state against the reference.
func (h *harness) compare() string {
	e, ref := &h.e, &h.ref
	if len(h.log) != len(ref.log) {
		return fmt.Sprintf("the engine has handled %d events, the reference %d", len(h.log), len(ref.log))
	}
	for i := h.ok; i < len(h.log); i++ {
		if h.log[i] != ref.log[i] {
			return fmt.Sprintf("event %d handled was %+v, the reference handled %+v", i, h.log[i], ref.log[i])
		}
	}
	h.ok = len(h.log)
	if e.Now() != ref.now {
		return fmt.Sprintf("Now() = %v, the reference says %v", e.Now(), ref.now)
	}
	if e.Pending() != len(ref.pending) {
		return fmt.Sprintf("Pending() = %d, the reference has %d", e.Pending(), len(ref.pending))
	}
	if e.Processed() != ref.processed {
		return fmt.Sprintf("Processed() = %d, the reference says %d", e.Processed(), ref.processed)
	}
	at, ok := e.Peek()
	if i := ref.first(); i < 0 && ok {
		return fmt.Sprintf("Peek() = %v, true, but the reference's queue is empty", at)
	} else if i >= 0 && (!ok || at != ref.pending[i].at) {
		return fmt.Sprintf("Peek() = %v, %v, but the reference's next event is %+v of pending %+v", at, ok, ref.pending[i], ref.pending)
	}
	return ""
}

// runScript applies ops in turn and fails at the first difference.
func runScript(t *testing.T, ops []op) {
	t.Helper()
	h := new(harness)
	for i, o := range ops {
		if msg := h.apply(o); msg != "" {
			t.Fatalf("after operation %d (%v %d) of the script: %s", i, o.kind, o.x, msg)
		}
	}
}

// TestAgainstReference runs random scripts of schedules, cancels, steps and
// runs on the engine and on the reference and requires the same events in
// the same order, and the same clock, queue length and counts throughout.
func TestAgainstReference(t *testing.T) {
	// Weights of the operations: more schedules than steps, so the queue
	// grows to over a hundred events (four levels of the heap), with windows
	// that drain part of it and rare Runs and Resets that empty it.
	weights := [numOps]int{opSchedule: 250, opCancel: 100, opStep: 80, opRunUntil: 10, opRun: 1, opReset: 1}
	total := 0
	for _, w := range weights {
		total += w
	}
	for seed := range uint64(30) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x5eed))
			ops := make([]op, 3000)
			for i := range ops {
				k, r := opKind(0), rng.IntN(total)
				for r >= weights[k] {
					r -= weights[k]
					k++
				}
				ops[i] = op{kind: k, x: rng.Uint32()}
			}
			runScript(t, ops)
		})
	}
}

// FuzzEngine reads the input as a script, two bytes per operation (kind,
// argument), and checks the engine against the reference.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 0, 2, 0, 1, 1, 3, 4})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 2, 0, 5, 0, 0, 3, 1, 0, 4, 0})
	f.Add([]byte{0, 8, 0, 4, 0, 0, 0, 0, 1, 2, 3, 6, 0, 0, 1, 7, 4, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		ops := make([]op, 0, len(data)/2)
		for i := 0; i+1 < len(data); i += 2 {
			ops = append(ops, op{kind: opKind(data[i] % byte(numOps)), x: uint32(data[i+1])})
		}
		runScript(t, ops)
	})
}
