package sim

import (
	"fmt"
	"math"
)

// Handler reacts to an event. now is the event's time, which is also the
// engine's clock while Handle runs; arg is the int64 given when the event was
// scheduled. Handle may schedule and cancel events on the engine that called
// it.
type Handler interface {
	Handle(now float64, arg int64)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(now float64, arg int64)

// Handle calls f(now, arg).
func (f HandlerFunc) Handle(now float64, arg int64) { f(now, arg) }

// ID identifies a scheduled event so that it can be cancelled. The zero ID is
// never issued, so it can stand for "no event".
//
// An ID is a slot index plus a generation. The generation is the event's
// 64-bit sequence number, which no other event of the same Engine ever gets,
// not even after Reset; so an ID whose event has run or been cancelled can
// never cancel a later event that reuses its slot.
type ID struct {
	slot int32
	gen  uint64
}

// slot holds what the engine needs to hand a pending event to its handler.
// The event's time and sequence number live in its heap entry, and its index
// in the heap in Engine.pos.
type slot struct {
	h   Handler
	arg int64
}

// Engine is a discrete-event engine: a clock and a queue of pending events
// ordered by (time, sequence number). The zero value is ready to use, with
// Now() == 0. An Engine must not be copied after first use.
type Engine struct {
	now       float64
	seq       uint64  // sequence number of the last event scheduled
	heap      []entry // 4-ary min-heap, see heap.go
	slots     []slot
	pos       []int32 // pos[i] is slot i's index in heap, -1 if the slot is free
	free      []int32 // indices of free slots, used last in, first out
	processed uint64
	stopped   bool
}

// Now is the engine's clock: the time of the event being handled, or of the
// last event handled, or the time given to the last RunUntil, whichever came
// last.
func (e *Engine) Now() float64 { return e.now }

// Schedule adds an event at absolute time at, to be handled by h.Handle(at,
// arg), and returns its ID. Events at equal times are handled in the order
// they were scheduled. It panics if at is NaN, ±Inf, or earlier than Now(),
// or if h is nil.
func (e *Engine) Schedule(at float64, h Handler, arg int64) ID {
	if !(at >= e.now) || at > math.MaxFloat64 { // NaN fails the first test
		panic(fmt.Sprintf("sim: Schedule at time %v, now is %v", at, e.now))
	}
	if h == nil {
		panic("sim: Schedule with nil Handler")
	}
	if f, ok := h.(HandlerFunc); ok && f == nil {
		panic("sim: Schedule with nil HandlerFunc")
	}
	var i int32
	if n := len(e.free); n > 0 {
		i = e.free[n-1]
		e.free = e.free[:n-1]
	} else {
		if len(e.slots) == math.MaxInt32 {
			panic("sim: too many pending events")
		}
		i = int32(len(e.slots))
		e.slots = append(e.slots, slot{})
		e.pos = append(e.pos, -1)
	}
	e.seq++
	s := &e.slots[i]
	s.h, s.arg = h, arg
	e.push(entry{key: math.Float64bits(at + 0), seq: e.seq, slot: i}) // at+0 turns -0 into +0
	return ID{slot: i, gen: e.seq}
}

// After schedules an event at Now()+delay; see Schedule. It panics if delay is
// negative, NaN or +Inf.
func (e *Engine) After(delay float64, h Handler, arg int64) ID {
	if !(delay >= 0) || delay > math.MaxFloat64 {
		panic(fmt.Sprintf("sim: After with delay %v", delay))
	}
	return e.Schedule(e.now+delay, h, arg)
}

// Cancel removes a pending event so that it is never handled, and reports
// whether it did. It returns false if the event already ran or was cancelled,
// if id was issued before the last Reset, or if id is the zero ID.
func (e *Engine) Cancel(id ID) bool {
	if id.gen == 0 || id.slot < 0 || int(id.slot) >= len(e.slots) {
		return false
	}
	p := e.pos[id.slot]
	if p < 0 || e.heap[p].seq != id.gen {
		return false
	}
	e.remove(int(p))
	e.release(id.slot)
	return true
}

// Pending is the number of events in the queue.
func (e *Engine) Pending() int { return len(e.heap) }

// Processed is the number of events handled since the engine was created or
// last Reset.
func (e *Engine) Processed() uint64 { return e.processed }

// Peek returns the time of the next event and whether there is one.
func (e *Engine) Peek() (float64, bool) {
	if len(e.heap) == 0 {
		return 0, false
	}
	return e.heap[0].at(), true
}

// Step handles the next event, if any, and reports whether it did. The clock
// moves to the event's time before its handler is called.
func (e *Engine) Step() bool {
	if len(e.heap) == 0 {
		return false
	}
	e.next()
	return true
}

// next handles the first event of a non-empty queue. The event's slot is
// freed before its handler runs, so the handler may reuse it and cancelling
// the running event returns false.
func (e *Engine) next() {
	top := e.pop()
	s := &e.slots[top.slot]
	h, arg := s.h, s.arg
	e.release(top.slot)
	now := top.at()
	e.now = now
	e.processed++
	h.Handle(now, arg)
}

// RunUntil handles every event with time <= t, in order, including those
// that handlers schedule at times <= t, then sets Now() to t, and returns the
// number of events it handled. If a handler calls Stop, RunUntil returns right
// after that handler and leaves Now() at that event's time. It panics if t is
// NaN, +Inf (use Run) or earlier than Now().
func (e *Engine) RunUntil(t float64) int {
	if !(t >= e.now) || t > math.MaxFloat64 {
		panic(fmt.Sprintf("sim: RunUntil time %v, now is %v", t, e.now))
	}
	e.stopped = false
	n := 0
	for len(e.heap) > 0 && e.heap[0].at() <= t {
		e.next()
		n++
		if e.stopped {
			e.stopped = false
			return n
		}
	}
	e.now = t + 0 // +0 turns -0 into +0
	return n
}

// Run handles events in order until the queue is empty or a handler calls
// Stop, and returns the number of events it handled. Now() is left at the time
// of the last event handled.
func (e *Engine) Run() int {
	e.stopped = false
	n := 0
	for len(e.heap) > 0 {
		e.next()
		n++
		if e.stopped {
			e.stopped = false
			break
		}
	}
	return n
}

// Stop, called from a handler, makes the Run or RunUntil that called the
// handler return once the handler returns. Pending events stay in the queue.
// Stop has no effect outside Run and RunUntil: each of them forgets earlier
// calls when it starts.
func (e *Engine) Stop() { e.stopped = true }

// Reset empties the queue and sets Now() and Processed() to 0, keeping
// allocated memory for reuse. IDs issued before Reset cancel nothing
// afterwards. Reset called from a handler also stops the Run or RunUntil
// that called it, as Stop does.
func (e *Engine) Reset() {
	clear(e.slots) // drop references to handlers
	e.slots = e.slots[:0]
	e.pos = e.pos[:0]
	e.heap = e.heap[:0]
	e.free = e.free[:0]
	e.now = 0
	e.processed = 0
	e.stopped = true
	// e.seq keeps counting: sequence numbers are the IDs' generations, and
	// only their order matters to the queue.
}

// release frees slot i for reuse.
func (e *Engine) release(i int32) {
	e.slots[i].h = nil
	e.pos[i] = -1
	e.free = append(e.free, i)
}
