package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// recorder is a handler that writes down every event it handles.
type recorder struct {
	got []rec
}

type rec struct {
	at  float64
	arg int64
}

func (r *recorder) Handle(now float64, arg int64) { r.got = append(r.got, rec{now, arg}) }

// args returns the arguments of the recorded events in the order handled.
func (r *recorder) args() []int64 {
	out := make([]int64, len(r.got))
	for i, x := range r.got {
		out[i] = x.arg
	}
	return out
}

// sched is one event to schedule in a table test.
type sched struct {
	at  float64
	arg int64
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name   string
		events []sched
		want   []int64 // args in the order they must be handled
	}{
		{"empty", nil, []int64{}},
		{"one", []sched{{5, 1}}, []int64{1}},
		{"scheduled in time order", []sched{{1, 1}, {2, 2}, {3, 3}}, []int64{1, 2, 3}},
		{"scheduled in reverse", []sched{{3, 3}, {2, 2}, {1, 1}}, []int64{1, 2, 3}},
		{"shuffled", []sched{{0.5, 2}, {7, 5}, {0, 1}, {3.25, 4}, {1e-9, 3}}, []int64{1, 3, 2, 4, 5}},
		{"all at one time keep insertion order", []sched{{4, 1}, {4, 2}, {4, 3}, {4, 4}, {4, 5}, {4, 6}}, []int64{1, 2, 3, 4, 5, 6}},
		{
			"ties interleaved with other times",
			[]sched{{2, 1}, {1, 2}, {2, 3}, {3, 4}, {1, 5}, {2, 6}, {1, 7}, {3, 8}, {2, 9}},
			[]int64{2, 5, 7, 1, 3, 6, 9, 4, 8},
		},
		{"ties at time zero", []sched{{0, 1}, {0, 2}, {0, 3}}, []int64{1, 2, 3}},
		{"negative zero is zero", []sched{{0, 1}, {math.Copysign(0, -1), 2}, {0, 3}}, []int64{1, 2, 3}},
		{"huge times", []sched{{math.MaxFloat64, 1}, {1e300, 2}, {math.MaxFloat64, 3}}, []int64{2, 1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Engine
			r := &recorder{}
			for _, s := range tt.events {
				e.Schedule(s.at, r, s.arg)
			}
			if got := e.Pending(); got != len(tt.events) {
				t.Fatalf("Pending() = %d after scheduling %d events", got, len(tt.events))
			}
			n := e.Run()
			if got := r.args(); !slices.Equal(got, tt.want) {
				t.Errorf("events were handled in the order %v, want %v (by time, ties in scheduling order)", got, tt.want)
			}
			if n != len(tt.want) || e.Processed() != uint64(len(tt.want)) {
				t.Errorf("Run() = %d and Processed() = %d, want both %d", n, e.Processed(), len(tt.want))
			}
			for i := 1; i < len(r.got); i++ {
				if r.got[i].at < r.got[i-1].at {
					t.Errorf("handler %d saw now = %v after handler %d saw %v: the clock went back", i, r.got[i].at, i-1, r.got[i-1].at)
				}
			}
			if e.Pending() != 0 {
				t.Errorf("Pending() = %d after Run, want 0", e.Pending())
			}
		})
	}
}

// TestManyTies schedules thousands of events on a few distinct times in a
// scrambled order, so ties sit at every depth of the heap.
func TestManyTies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	var e Engine
	r := &recorder{}
	const n = 5000
	for i := range n {
		e.Schedule(float64(rng.IntN(5)), r, int64(i))
	}
	e.Run()
	for i := 1; i < len(r.got); i++ {
		a, b := r.got[i-1], r.got[i]
		if b.at < a.at || (b.at == a.at && b.arg < a.arg) {
			t.Fatalf("event %d (time %v) ran right after event %d (time %v): equal times must run in scheduling order, and times must not decrease",
				b.arg, b.at, a.arg, a.at)
		}
	}
	if len(r.got) != n {
		t.Fatalf("Run handled %d events, want %d", len(r.got), n)
	}
}

// TestNowInHandler checks that the clock equals the event's time while the
// handler runs.
func TestNowInHandler(t *testing.T) {
	var e Engine
	var bad []string
	check := HandlerFunc(func(now float64, arg int64) {
		if e.Now() != now || now != float64(arg) {
			bad = append(bad, fmt.Sprintf("event scheduled at %d saw now=%v and Now()=%v", arg, now, e.Now()))
		}
	})
	for _, at := range []int64{3, 1, 2} {
		e.Schedule(float64(at), check, at)
	}
	e.Run()
	for _, b := range bad {
		t.Error(b)
	}
	if e.Now() != 3 {
		t.Errorf("Now() = %v after Run, want 3, the time of the last event", e.Now())
	}
}

// TestScheduleAtNow checks that events a handler schedules at the current
// time run after those already waiting at that time.
func TestScheduleAtNow(t *testing.T) {
	var e Engine
	r := &recorder{}
	spawn := HandlerFunc(func(now float64, arg int64) {
		r.Handle(now, arg)
		e.Schedule(now, r, 10+arg)
		e.After(0, r, 20+arg)
	})
	e.Schedule(1, spawn, 1)
	e.Schedule(1, r, 2)
	e.Schedule(1, spawn, 3)
	e.Schedule(2, r, 4)
	e.Run()
	want := []int64{1, 2, 3, 11, 21, 13, 23, 4}
	if got := r.args(); !slices.Equal(got, want) {
		t.Errorf("handled %v, want %v: events scheduled at the current time must run after the events already queued at that time, in the order they were scheduled", got, want)
	}
}

func TestAfter(t *testing.T) {
	var e Engine
	r := &recorder{}
	e.Schedule(10, HandlerFunc(func(now float64, arg int64) {
		e.After(2.5, r, 1)
	}), 0)
	e.Run()
	if len(r.got) != 1 || r.got[0].at != 12.5 {
		t.Errorf("After(2.5) from a handler at time 10 ran at %v, want one event at 12.5", r.got)
	}
}

func TestCancel(t *testing.T) {
	t.Run("pending", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		e.Schedule(1, r, 1)
		id := e.Schedule(2, r, 2)
		e.Schedule(3, r, 3)
		if !e.Cancel(id) {
			t.Fatal("Cancel of a pending event returned false")
		}
		if e.Pending() != 2 {
			t.Errorf("Pending() = %d after cancelling one of 3 events, want 2", e.Pending())
		}
		e.Run()
		if got := r.args(); !slices.Equal(got, []int64{1, 3}) {
			t.Errorf("handled %v, want [1 3]: the cancelled event 2 must not run", got)
		}
	})
	t.Run("already ran", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		id := e.Schedule(1, r, 1)
		e.Step()
		if e.Cancel(id) {
			t.Error("Cancel of an event that already ran returned true")
		}
	})
	t.Run("twice", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		id := e.Schedule(1, r, 1)
		e.Schedule(1, r, 2)
		if !e.Cancel(id) {
			t.Fatal("first Cancel of a pending event returned false")
		}
		if e.Cancel(id) {
			t.Error("second Cancel of the same event returned true")
		}
		if e.Pending() != 1 {
			t.Errorf("Pending() = %d, want 1: a double cancel must not remove another event", e.Pending())
		}
	})
	t.Run("stale ID after slot reuse", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		old := e.Schedule(1, r, 1)
		e.Cancel(old)
		fresh := e.Schedule(2, r, 2) // reuses the freed slot
		if fresh.slot != old.slot {
			t.Fatalf("test assumption broken: the second event got slot %d, not the freed slot %d", fresh.slot, old.slot)
		}
		if e.Cancel(old) {
			t.Error("a stale ID cancelled the event that now occupies its slot")
		}
		e.Run()
		if got := r.args(); !slices.Equal(got, []int64{2}) {
			t.Errorf("handled %v, want [2]", got)
		}
	})
	t.Run("stale ID after the event ran and the slot was reused", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		old := e.Schedule(1, r, 1)
		e.Step()
		e.Schedule(2, r, 2)
		if e.Cancel(old) {
			t.Error("the ID of an event that ran cancelled the event that reused its slot")
		}
	})
	t.Run("zero ID", func(t *testing.T) {
		var e Engine
		if e.Cancel(ID{}) {
			t.Error("Cancel(ID{}) on an empty engine returned true")
		}
		e.Schedule(0, &recorder{}, 1)
		if e.Cancel(ID{}) {
			t.Error("Cancel(ID{}) returned true with an event in slot 0")
		}
		if e.Pending() != 1 {
			t.Errorf("Pending() = %d, want 1", e.Pending())
		}
	})
	t.Run("ID of a slot this engine never had", func(t *testing.T) {
		var a, b Engine
		r := &recorder{}
		for i := range 5 {
			a.Schedule(1, r, int64(i))
		}
		id := a.Schedule(1, r, 5)
		if b.Cancel(id) {
			t.Error("an ID whose slot does not exist in this engine cancelled something")
		}
	})
	t.Run("from a handler of another event", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		var victim ID
		var ok bool
		e.Schedule(1, HandlerFunc(func(float64, int64) { ok = e.Cancel(victim) }), 0)
		e.Schedule(1, r, 1)
		victim = e.Schedule(1, r, 2)
		e.Schedule(2, r, 3)
		e.Run()
		if !ok {
			t.Error("Cancel from a handler of a pending event at the same time returned false")
		}
		if got := r.args(); !slices.Equal(got, []int64{1, 3}) {
			t.Errorf("handled %v, want [1 3]", got)
		}
	})
	t.Run("the running event from its own handler", func(t *testing.T) {
		var e Engine
		var self ID
		var ok = true
		self = e.Schedule(1, HandlerFunc(func(float64, int64) { ok = e.Cancel(self) }), 0)
		e.Run()
		if ok {
			t.Error("a handler cancelled its own event while it ran; it has already left the queue")
		}
	})
	t.Run("every position of a larger heap", func(t *testing.T) {
		const n = 200
		for k := range n {
			var e Engine
			r := &recorder{}
			ids := make([]ID, n)
			for i := range n {
				ids[i] = e.Schedule(float64((i*37)%n), r, int64((i*37)%n))
			}
			if !e.Cancel(ids[k]) {
				t.Fatalf("Cancel of event %d of %d returned false", k, n)
			}
			e.Run()
			var want []int64
			for i := range int64(n) {
				if i != int64((k*37)%n) {
					want = append(want, i)
				}
			}
			if got := r.args(); !slices.Equal(got, want) {
				t.Fatalf("after cancelling the event at time %d, handled %v, want %v", (k*37)%n, got, want)
			}
		}
	})
}

func TestRunUntil(t *testing.T) {
	tests := []struct {
		name      string
		events    []float64 // times; each event's arg is its index
		until     float64
		wantArgs  []int64
		wantNow   float64
		wantLeft  int
		wantCount int
	}{
		{"empty queue advances the clock", nil, 5, nil, 5, 0, 0},
		{"event exactly at t runs", []float64{1, 5, 6}, 5, []int64{0, 1}, 5, 1, 2},
		{"event just after t waits", []float64{1, math.Nextafter(5, 6)}, 5, []int64{0}, 5, 1, 1},
		{"all before t", []float64{1, 2}, 10, []int64{0, 1}, 10, 0, 2},
		{"none before t", []float64{7, 8}, 3, nil, 3, 2, 0},
		{"t equal to now", []float64{0, 0, 1}, 0, []int64{0, 1}, 0, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Engine
			r := &recorder{}
			for i, at := range tt.events {
				e.Schedule(at, r, int64(i))
			}
			n := e.RunUntil(tt.until)
			if got := r.args(); !slices.Equal(got, tt.wantArgs) {
				t.Errorf("RunUntil(%v) handled %v, want %v", tt.until, got, tt.wantArgs)
			}
			if n != tt.wantCount {
				t.Errorf("RunUntil(%v) = %d, want %d", tt.until, n, tt.wantCount)
			}
			if e.Now() != tt.wantNow {
				t.Errorf("Now() = %v after RunUntil(%v), want %v", e.Now(), tt.until, tt.wantNow)
			}
			if e.Pending() != tt.wantLeft {
				t.Errorf("Pending() = %d after RunUntil(%v), want %d", e.Pending(), tt.until, tt.wantLeft)
			}
		})
	}
	t.Run("handlers schedule inside and beyond the window", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		var tick HandlerFunc
		tick = func(now float64, arg int64) {
			r.Handle(now, arg)
			e.After(1, tick, arg+1)
		}
		e.Schedule(0, tick, 0)
		if n := e.RunUntil(3.5); n != 4 {
			t.Errorf("RunUntil(3.5) with a tick every 1 from 0 = %d, want 4 (ticks at 0, 1, 2, 3)", n)
		}
		if at, ok := e.Peek(); !ok || at != 4 {
			t.Errorf("Peek() = %v, %v after RunUntil(3.5), want 4, true: the tick scheduled by the tick at 3", at, ok)
		}
		if n := e.RunUntil(6); n != 3 {
			t.Errorf("second RunUntil(6) = %d, want 3 (ticks at 4, 5, 6)", n)
		}
		if e.Processed() != 7 {
			t.Errorf("Processed() = %d, want 7 over both calls", e.Processed())
		}
	})
}

func TestStep(t *testing.T) {
	var e Engine
	if e.Step() {
		t.Error("Step on an empty engine reported that it handled an event")
	}
	r := &recorder{}
	e.Schedule(2, r, 1)
	e.Schedule(1, r, 2)
	if !e.Step() || e.Now() != 1 || !slices.Equal(r.args(), []int64{2}) {
		t.Errorf("first Step: Now() = %v, handled %v; want the event at 1 (arg 2) only", e.Now(), r.args())
	}
	if !e.Step() || e.Now() != 2 || e.Processed() != 2 {
		t.Errorf("second Step: Now() = %v, Processed() = %d; want 2 and 2", e.Now(), e.Processed())
	}
	if e.Step() {
		t.Error("Step reported an event after the queue emptied")
	}
}

func TestPeek(t *testing.T) {
	var e Engine
	if at, ok := e.Peek(); ok {
		t.Errorf("Peek() on an empty engine = %v, true; want false", at)
	}
	r := &recorder{}
	e.Schedule(3, r, 0)
	id := e.Schedule(2, r, 0)
	if at, ok := e.Peek(); !ok || at != 2 {
		t.Errorf("Peek() = %v, %v; want 2, true", at, ok)
	}
	e.Cancel(id)
	if at, ok := e.Peek(); !ok || at != 3 {
		t.Errorf("Peek() after cancelling the first event = %v, %v; want 3, true", at, ok)
	}
	if e.Now() != 0 || e.Pending() != 1 {
		t.Errorf("Peek moved the clock to %v or changed Pending() to %d", e.Now(), e.Pending())
	}
}

func TestStop(t *testing.T) {
	newEngine := func() (*Engine, *recorder) {
		e := new(Engine)
		r := &recorder{}
		e.Schedule(1, r, 1)
		e.Schedule(2, HandlerFunc(func(now float64, arg int64) {
			r.Handle(now, arg)
			e.Stop()
		}), 2)
		e.Schedule(3, r, 3)
		return e, r
	}
	t.Run("Run", func(t *testing.T) {
		e, r := newEngine()
		if n := e.Run(); n != 2 {
			t.Errorf("Run() = %d, want 2: it must return right after the handler that called Stop", n)
		}
		if e.Now() != 2 || e.Pending() != 1 {
			t.Errorf("after Stop: Now() = %v, Pending() = %d; want 2 and 1", e.Now(), e.Pending())
		}
		if n := e.Run(); n != 1 || !slices.Equal(r.args(), []int64{1, 2, 3}) {
			t.Errorf("Run after a stopped Run handled %d events (%v); want 1, the rest of the queue", n, r.args())
		}
	})
	t.Run("RunUntil", func(t *testing.T) {
		e, _ := newEngine()
		if n := e.RunUntil(10); n != 2 {
			t.Errorf("RunUntil(10) = %d, want 2", n)
		}
		if e.Now() != 2 {
			t.Errorf("Now() = %v after a stopped RunUntil(10), want 2: the clock stays at the stopping event", e.Now())
		}
		if n := e.RunUntil(10); n != 1 || e.Now() != 10 {
			t.Errorf("second RunUntil(10) = %d with Now() = %v, want 1 and 10", n, e.Now())
		}
	})
	t.Run("outside a run has no effect", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		e.Schedule(1, r, 1)
		e.Schedule(2, r, 2)
		e.Stop()
		if n := e.Run(); n != 2 {
			t.Errorf("Run() after a Stop outside any run = %d, want 2", n)
		}
	})
}

func TestReset(t *testing.T) {
	var e Engine
	r := &recorder{}
	var ids []ID
	for i := range 10 {
		ids = append(ids, e.Schedule(float64(i), r, int64(i)))
	}
	e.RunUntil(4.5)
	e.Reset()
	if e.Now() != 0 || e.Processed() != 0 || e.Pending() != 0 {
		t.Fatalf("after Reset: Now() = %v, Processed() = %d, Pending() = %d; want all 0", e.Now(), e.Processed(), e.Pending())
	}
	if _, ok := e.Peek(); ok {
		t.Error("Peek found an event after Reset")
	}
	// New events reuse the old slots; no old ID may touch them.
	r.got = nil
	for i := range 10 {
		e.Schedule(float64(i), r, int64(100+i))
	}
	for i, id := range ids {
		if e.Cancel(id) {
			t.Errorf("the ID of event %d issued before Reset cancelled an event scheduled after it", i)
		}
	}
	if n := e.Run(); n != 10 || e.Processed() != 10 {
		t.Errorf("Run after Reset handled %d events, Processed() = %d; want 10 and 10", n, e.Processed())
	}

	t.Run("from a handler", func(t *testing.T) {
		var e Engine
		r := &recorder{}
		e.Schedule(1, HandlerFunc(func(float64, int64) { e.Reset() }), 0)
		e.Schedule(2, r, 1)
		if n := e.RunUntil(5); n != 1 {
			t.Errorf("RunUntil(5) = %d, want 1: Reset from a handler stops the run", n)
		}
		if e.Now() != 0 || e.Pending() != 0 || len(r.got) != 0 {
			t.Errorf("after Reset in a handler: Now() = %v, Pending() = %d, handled %v; want 0, 0, none", e.Now(), e.Pending(), r.got)
		}
	})
}

func TestZeroIDNeverIssued(t *testing.T) {
	var e Engine
	r := &recorder{}
	for i := range 100 {
		if id := e.Schedule(0, r, 0); id == (ID{}) {
			t.Fatalf("Schedule number %d returned the zero ID", i)
		}
		if i%3 == 0 {
			e.Step()
		}
	}
}

func TestPanics(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	r := &recorder{}
	atFive := func() *Engine {
		e := new(Engine)
		e.RunUntil(5)
		return e
	}
	tests := []struct {
		name string
		f    func(e *Engine)
		want string // part of the panic message
	}{
		{"Schedule at NaN", func(e *Engine) { e.Schedule(nan, r, 0) }, "NaN"},
		{"Schedule at +Inf", func(e *Engine) { e.Schedule(inf, r, 0) }, "+Inf"},
		{"Schedule at -Inf", func(e *Engine) { e.Schedule(-inf, r, 0) }, "-Inf"},
		{"Schedule in the past", func(e *Engine) { e.Schedule(4.5, r, 0) }, "4.5"},
		{"Schedule before time zero", func(e *Engine) { new(Engine).Schedule(-1, r, 0) }, "-1"},
		{"Schedule with nil Handler", func(e *Engine) { e.Schedule(6, nil, 0) }, "nil Handler"},
		{"Schedule with nil HandlerFunc", func(e *Engine) { e.Schedule(6, HandlerFunc(nil), 0) }, "nil HandlerFunc"},
		{"After with negative delay", func(e *Engine) { e.After(-0.1, r, 0) }, "-0.1"},
		{"After with NaN delay", func(e *Engine) { e.After(nan, r, 0) }, "NaN"},
		{"After with +Inf delay", func(e *Engine) { e.After(inf, r, 0) }, "+Inf"},
		{"RunUntil NaN", func(e *Engine) { e.RunUntil(nan) }, "NaN"},
		{"RunUntil +Inf", func(e *Engine) { e.RunUntil(inf) }, "+Inf"},
		{"RunUntil in the past", func(e *Engine) { e.RunUntil(4) }, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := atFive()
			defer func() {
				v := recover()
				if v == nil {
					t.Fatalf("%s did not panic", tt.name)
				}
				msg := fmt.Sprint(v)
				if !strings.HasPrefix(msg, "sim: ") || !strings.Contains(msg, tt.want) {
					t.Errorf("%s panicked with %q; want a message starting with \"sim: \" that names %q", tt.name, msg, tt.want)
				}
				if e.Pending() != 0 {
					t.Errorf("%s left %d events in the queue", tt.name, e.Pending())
				}
			}()
			tt.f(e)
		})
	}
}

// TestZeroAllocs checks that, once the queue has reached its size, handling,
// scheduling and cancelling events allocate nothing.
func TestZeroAllocs(t *testing.T) {
	for _, n := range []int{1, 1000} {
		e, c := newChurn(n)
		for range 2 * n {
			e.Step()
		}
		if a := testing.AllocsPerRun(1000, func() { e.Step() }); a != 0 {
			t.Errorf("Step with %d pending events allocated %v times per event, want 0", n, a)
		}
		if a := testing.AllocsPerRun(1000, func() { e.Cancel(e.After(c.delays[0], c, 0)) }); a != 0 {
			t.Errorf("After and Cancel with %d pending events allocated %v times per pair, want 0", n, a)
		}
	}
	var e Engine
	var h HandlerFunc
	left := 0
	h = func(now float64, arg int64) {
		if left > 0 {
			left--
			e.Schedule(now+0.5, h, arg)
		}
	}
	e.After(0, h, 0)
	e.Run() // first use allocates the slices
	if a := testing.AllocsPerRun(100, func() {
		left = 99
		e.After(1, h, 0)
		e.RunUntil(e.Now() + 100)
		e.Reset()
	}); a != 0 {
		t.Errorf("a run of 100 events with RunUntil and Reset allocated %v times, want 0", a)
	}
}
