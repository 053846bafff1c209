package sim_test

import (
	"fmt"

	"github.com/freightsim/freightsim/sim"
)

// truck is a Handler: its departure is an event whose arg is the number of
// pallets on board.
type truck struct{ name string }

func (t *truck) Handle(now float64, pallets int64) {
	fmt.Printf("%5.2f  truck %s departs with %d pallets\n", now, t.name, pallets)
}

// Two trucks are due to leave; a job arrives in between, and truck B waits
// for it: its departure is cancelled and scheduled again later with more
// pallets.
func Example() {
	var e sim.Engine
	a, b := &truck{"A"}, &truck{"B"}
	e.Schedule(8, a, 12)
	departB := e.Schedule(9.5, b, 7)

	arrival := sim.HandlerFunc(func(now float64, pallets int64) {
		fmt.Printf("%5.2f  job of %d pallets arrives; truck B waits for it\n", now, pallets)
		if e.Cancel(departB) {
			departB = e.After(4.5, b, 7+pallets)
		}
	})
	e.Schedule(6.25, arrival, 5)

	n := e.RunUntil(10)
	fmt.Printf("%5.2f  %d events handled, %d pending\n", e.Now(), n, e.Pending())
	e.Run()
	fmt.Printf("%5.2f  %d events handled in all\n", e.Now(), e.Processed())
	// Output:
	//  6.25  job of 5 pallets arrives; truck B waits for it
	//  8.00  truck A departs with 12 pallets
	// 10.00  2 events handled, 1 pending
	// 10.75  truck B departs with 12 pallets
	// 10.75  3 events handled in all
}

// Events at the same time are handled in the order they were scheduled, and
// an ID stops working once its event has run or been cancelled.
func ExampleEngine_Cancel() {
	var e sim.Engine
	say := sim.HandlerFunc(func(now float64, arg int64) {
		fmt.Printf("t=%g event %d\n", now, arg)
	})
	e.Schedule(1, say, 1)
	id := e.Schedule(1, say, 2)
	e.Schedule(1, say, 3)

	fmt.Println("cancel 2:", e.Cancel(id))
	fmt.Println("cancel 2 again:", e.Cancel(id))
	e.Run()
	// Output:
	// cancel 2: true
	// cancel 2 again: false
	// t=1 event 1
	// t=1 event 3
}

// A handler that reschedules itself makes a periodic process; Stop ends a
// Run from inside a handler.
func ExampleEngine_Stop() {
	var e sim.Engine
	var clearing sim.HandlerFunc
	clearing = func(now float64, round int64) {
		fmt.Printf("t=%g market clearing round %d\n", now, round)
		if round == 3 {
			e.Stop()
			return
		}
		e.After(0.5, clearing, round+1)
	}
	e.Schedule(0, clearing, 1)
	fmt.Println("handled:", e.Run())
	// Output:
	// t=0 market clearing round 1
	// t=0.5 market clearing round 2
	// t=1 market clearing round 3
	// handled: 3
}
