// Package sim is freightsim's discrete-event engine: a clock and a queue of
// pending events, and nothing else. It knows no market, no agent and no
// freight; package experiments schedules market clearings and agent wake-ups
// as events and lets the engine decide when each one happens.
//
// The engine implements the next-event time-advance approach of
// discrete-event simulation (Law, Simulation Modeling and Analysis, 5th ed.,
// 2015, §1.3.1): the clock jumps from the time of one event to the time of the
// next one in the future-event list, and the state changes only at those
// instants. Handling an event may schedule or cancel others.
//
// # Ordering
//
// Events are handled in increasing order of time. Events with equal times are
// handled in the order they were scheduled: each event gets a sequence number
// when it is scheduled, and the queue is ordered by (time, sequence number).
// So an event that a handler schedules at the current time runs after every
// event already waiting at that time, and a simulation run twice from the same
// schedule handles its events in the same order.
//
// # Use
//
// The zero [Engine] is ready to use with its clock at 0. [Engine.Schedule]
// and [Engine.After] add an event, given as a [Handler] and an int64 argument,
// and return an [ID] that [Engine.Cancel] accepts; [Engine.Step],
// [Engine.RunUntil] and [Engine.Run] handle events. Times are float64 in
// whatever unit the caller chooses; NaN, infinities and times in the past are
// programmer errors and make the engine panic.
//
// # Cost
//
// The queue is a 4-ary heap of (time, sequence, slot) entries over a slice of
// slots recycled through a free list, so once the queue has reached its
// largest size, scheduling, cancelling and handling events allocate nothing,
// provided the Handler values themselves do not allocate (a pointer, or a
// HandlerFunc built once, stored in an interface does not). Schedule, Cancel
// and Step cost O(log n) for n pending events. An Engine uses no goroutines
// and no global state, and is not safe for concurrent use.
package sim
