package experiments

import (
	"errors"
	"math"
	"slices"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/sim"
)

// network moves trucks between hubs for a world whose scenario is a
// freight network (scenario.Network).
//
// Every epoch jobs arise at each hub, per row of the demand table, drawn
// in the table's order from the job stream like a one-hub market's jobs
// (so one row on one hub draws exactly as the one-hub market does). At
// each departure time of the carriers cs, every hub clears, in the order
// of the hubs, against the trucks of cs there (agents.Exchange.DepartHub);
// a loaded truck leaves for its destination and is landed there after the
// lane's travel time (an arrival event; a departure at the same time also
// lands the trucks due by then, whatever the events' order). Then each
// truck of cs left without a load applies the reposition rule, trucks in
// index order: with "demand" it drives empty to the hub g, reachable by a
// lane from its hub h in time tau, where the volume it would find per
// truck capacity, (W_g + r_g*tau)/(K_g + cap), is largest, if that beats
// what accumulates at its own hub meanwhile, (W_h + r_h*tau)/K_h (W:
// volume waiting now; r: expected volume arising per epoch; K: capacity of
// the trucks there or on their way, itself included at h; ties: the lower
// hub); its carrier pays empty_cost_rate * distance. With "wait" it stays.
// A truck of a carrier that learns its repositioning (carriers[].reposition
// learn) chooses instead by its carrier's agents.Repositioner (choose).
//
// With a continuous double auction (market.clearing cda) there are no
// departures: each epoch's round opens at t with the trucks landed by then
// (openRound), and at its settlement, t + 0.5, the trucks that traded
// leave loaded and the others of the round reposition (settleRound).
type network struct {
	w   *world
	x   *agents.Exchange
	eng *sim.Engine

	hubs         int
	dist         [][]float64 // [from][to], NaN without a lane
	time         [][]float64
	lane         [][]int // [from][to]: index into scenario lanes, -1 without one
	gens         []agents.Generator
	from, to     []int // per demand row
	rule         scenario.Reposition
	holdCargo    bool      // empty_returns cargo
	unattributed float64   // empty running no cargo bore (a truck that had delivered nothing), for tests
	err          error     // a learned reposition that diverged
	empty        []float64 // per carrier: empty cost rate
	rate         []float64 // per hub: expected volume arising per epoch

	trucks []truck
	start  []int // per truck: its hub at the start of an episode
	net    agents.Net

	present    [][]agents.Truck       // per hub: the trucks at its clearing
	ids        [][]int                // per hub: their indices
	loads      [][]agents.Load        // per hub: what they took
	out        [][]int                // per hub: the hubs a lane leads to
	capAt      []float64              // per hub: capacity there or bound there
	inClearing []bool                 // per truck: whether it was at the latest clearing
	learners   []*agents.Repositioner // per carrier: its learned reposition, nil for the rule
	psi        []float64              // scratch: features of the candidates of a learned reposition
	cands      []int                  // scratch: their hubs, -1 to stay
	land       landing
	due        landings // the moving trucks, earliest arrival first

	stats *laneStats // what the evaluation measures; nil while not measuring

	// cleared, when set (by tests), is called after each hub's clearing
	// with the trucks that were present (indices) and what they took.
	cleared func(now float64, hub int, trucks []int, loads []agents.Load)
}

type truck struct {
	carrier, capacity int
	hub               int           // where it is, or where it goes while moving
	moving            bool          // on a lane
	arrive            float64       // when it lands, while moving
	idleSince         float64       // since when it waits at its hub
	cargo             []*agents.Job // with empty_returns cargo: the jobs it last delivered, their carrier records open
	rec               agents.Record // with a learned reposition: its choices and the rewards that followed
}

type landing struct{ n *network }

// Handle lands the trucks due by now.
func (l landing) Handle(now float64, _ int64) { l.n.landDue(now) }

func newNetwork(sc *scenario.Config, w *world, x *agents.Exchange) *network {
	nw := &sc.Network
	n := &network{w: w, x: x, eng: &w.eng, hubs: len(nw.Hubs), rule: nw.Reposition}
	n.land = landing{n}
	grid := func(fill float64) [][]float64 {
		g := make([][]float64, n.hubs)
		for i := range g {
			g[i] = make([]float64, n.hubs)
			for k := range g[i] {
				g[i][k] = fill
			}
		}
		return g
	}
	n.dist, n.time = grid(math.NaN()), grid(math.NaN())
	n.lane = make([][]int, n.hubs)
	for i := range n.lane {
		n.lane[i] = make([]int, n.hubs)
		for k := range n.lane[i] {
			n.lane[i][k] = -1
		}
	}
	for i, l := range nw.Lanes {
		a, b := nw.HubIndex(l.From), nw.HubIndex(l.To)
		n.dist[a][b], n.time[a][b], n.lane[a][b] = l.Distance, l.Time, i
	}
	base := sc.Generator()
	flow := grid(0)
	n.net.Outbound = make([]float64, n.hubs)
	n.rate = make([]float64, n.hubs)
	for k, d := range nw.Demand {
		g := base
		g.Arrivals = agents.IntRange(d.Arrivals)
		g.Volume = agents.IntRange(sc.ODVolume(k))
		g.Due = agents.IntRange(sc.ODDue(k))
		g.Distance = agents.IntRange(sc.ODDistance(k))
		n.gens = append(n.gens, g)
		a, b := nw.HubIndex(d.From), nw.HubIndex(d.To)
		n.from, n.to = append(n.from, a), append(n.to, b)
		flow[a][b] += g.MeanVolume()
		n.net.Outbound[a] += g.MeanVolume()
		n.rate[a] += g.MeanVolume()
	}
	if top := maxOf(n.net.Outbound); top > 0 {
		for h := range n.net.Outbound {
			n.net.Outbound[h] /= top
		}
	}
	n.net.Backhaul = grid(0)
	for a := range n.hubs {
		for b := range n.hubs {
			if s := flow[a][b] + flow[b][a]; s > 0 {
				n.net.Backhaul[a][b] = (flow[b][a] - flow[a][b]) / s
			}
		}
	}
	caps := sc.Capacities()
	for c, car := range sc.Carriers {
		n.empty = append(n.empty, car.EmptyCostRate)
		for _, f := range car.Trucks {
			for range f.Count {
				n.trucks = append(n.trucks, truck{carrier: c, capacity: caps[c]})
				n.start = append(n.start, nw.HubIndex(f.Hub))
			}
		}
	}
	n.net.Waiting = make([]int, n.hubs)
	n.net.Fleet = make([][]int, len(sc.Carriers))
	n.net.Trucks = make([]int, len(sc.Carriers))
	for c := range n.net.Fleet {
		n.net.Fleet[c] = make([]int, n.hubs)
	}
	for _, t := range n.trucks {
		n.net.Trucks[t.carrier]++
	}
	for _, car := range sc.Carriers {
		var l *agents.Repositioner
		if car.Reposition == scenario.RepositionLearn {
			l = agents.NewRepositioner(1, policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, MinSigma: 0.05})
		}
		n.learners = append(n.learners, l)
	}
	n.holdCargo = nw.EmptyReturns == scenario.EmptyToCargo
	x.HoldCargo(n.holdCargo)
	n.capAt = make([]float64, n.hubs)
	n.inClearing = make([]bool, len(n.trucks))
	n.present, n.ids, n.out = make([][]agents.Truck, n.hubs), make([][]int, n.hubs), make([][]int, n.hubs)
	for a := range n.hubs {
		for b := range n.hubs {
			if n.lane[a][b] >= 0 {
				n.out[a] = append(n.out[a], b)
			}
		}
	}
	x.SetNet(&n.net)
	return n
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// reset puts every truck at its starting hub.
func (n *network) reset() {
	for i := range n.trucks {
		n.trucks[i].hub, n.trucks[i].moving, n.trucks[i].arrive, n.trucks[i].idleSince = n.start[i], false, 0, 0
	}
	n.due = n.due[:0]
}

// arrive brings one epoch's jobs, row by row of the demand table.
func (n *network) arrive() {
	w := n.w
	for k := range n.gens {
		g := &n.gens[k]
		for range g.Arrivals.Draw(w.jobs) {
			j := n.x.NewJob()
			g.Fill(w.jobs, j)
			w.drawCosts(j)
			j.From, j.To = n.from[k], n.to[k]
			n.x.Arrive(j)
		}
	}
}

// landDue lands the trucks whose arrival time has come: the work is
// logarithmic in the trucks moving per truck landed, not a pass over the
// fleet per landing.
func (n *network) landDue(now float64) {
	for len(n.due) > 0 && n.due[0].at <= now {
		t := &n.trucks[n.due.pop().truck]
		t.moving = false
		t.idleSince = t.arrive
	}
}

// landings is a binary min-heap of trucks by arrival time (ties: lower
// truck), with no interface boxing (container/heap's would box each push).
type landings []landingAt

type landingAt struct {
	at    float64
	truck int
}

func (a landingAt) before(b landingAt) bool {
	return a.at < b.at || (a.at == b.at && a.truck < b.truck)
}

func (h *landings) push(x landingAt) {
	q := append(*h, x)
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if !q[i].before(q[p]) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
	*h = q
}

func (h *landings) pop() landingAt {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(q) && q[l].before(q[m]) {
			m = l
		}
		if r := l + 1; r < len(q) && q[r].before(q[m]) {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}

// view updates what the agents see: volume waiting per hub, and each
// carrier's trucks per hub (there or on their way).
func (n *network) view() {
	clear(n.net.Waiting)
	for _, j := range n.x.Waiting() {
		n.net.Waiting[j.From] += j.Volume
	}
	for c := range n.net.Fleet {
		clear(n.net.Fleet[c])
	}
	for _, t := range n.trucks {
		n.net.Fleet[t.carrier][t.hub]++
	}
}

// depart clears every hub at time now against the trucks of the departing
// carriers cs there, moves the loaded trucks and repositions the others.
func (n *network) depart(now float64, cs []int) {
	n.gather(now, func(c int) bool { return slices.Contains(cs, c) })
	n.loads = n.x.DepartHubs(now, n.present, n.loads)
	n.dispatch(now)
}

// openRound opens a round of the continuous double auction at time now:
// the trucks landed by then trade at their hubs until the round settles.
func (n *network) openRound(now float64) {
	n.gather(now, func(int) bool { return true })
	n.w.cda.OpenHubs(n.present)
}

// settleRound settles the round at time now: the trucks that traded leave
// loaded, those of the round that did not may reposition. Trucks that
// landed during the round wait for the next.
func (n *network) settleRound(now float64) {
	n.loads = n.w.cda.SettleHubs(now, n.loads)
	n.dispatch(now)
}

// gather lands the trucks due by now, updates the view and lists, hub by
// hub, the trucks there of the carriers for which take is true: the trucks
// of the clearing.
func (n *network) gather(now float64, take func(carrier int) bool) {
	n.landDue(now)
	n.view()
	for h := range n.hubs {
		n.present[h], n.ids[h] = n.present[h][:0], n.ids[h][:0]
	}
	clear(n.inClearing)
	for i, t := range n.trucks {
		if !t.moving && take(t.carrier) {
			n.present[t.hub] = append(n.present[t.hub], agents.Truck{Carrier: t.carrier, Capacity: t.capacity})
			n.ids[t.hub] = append(n.ids[t.hub], i)
			n.inClearing[i] = true
		}
	}
}

// dispatch moves the trucks of the clearing that took a load (n.loads) and
// repositions the others.
func (n *network) dispatch(now float64) {
	for h := range n.hubs {
		if n.cleared != nil && (len(n.ids[h]) > 0 || len(n.loads[h]) > 0) {
			n.cleared(now, h, n.ids[h], n.loads[h])
		}
		for k, l := range n.loads[h] {
			if l.Dest >= 0 {
				n.move(now, n.ids[h][k], l.Dest, &l)
			}
		}
	}
	if n.rule == scenario.RepositionDemand || slices.ContainsFunc(n.learners, func(l *agents.Repositioner) bool { return l != nil }) {
		n.reposition(now)
	}
}

// move sends truck i from its hub to hub to at time now, loaded with l
// (nil: empty), and schedules its landing.
func (n *network) move(now float64, i, to int, l *agents.Load) {
	t := &n.trucks[i]
	from := t.hub
	if n.stats != nil {
		n.stats.idle += now - t.idleSince
		n.stats.trip(n.lane[from][to], t.capacity, n.dist[from][to], l)
	}
	if n.learners[t.carrier] != nil {
		if l == nil {
			t.rec.Pay(-n.empty[t.carrier] * n.dist[from][to])
		} else {
			t.rec.Pay(l.Receive - l.Cost - n.x.Carriers[t.carrier].FixedCost)
		}
	}
	if l == nil {
		cost := n.empty[t.carrier] * n.dist[from][to]
		n.x.Carriers[t.carrier].Reward -= cost
		if n.stats != nil {
			n.stats.emptyCost += cost
		}
		if len(t.cargo) == 0 {
			n.unattributed += cost
		}
	}
	if n.holdCargo {
		n.passOn(t, n.empty[t.carrier]*n.dist[from][to], l)
	}
	t.moving, t.hub, t.arrive = true, to, now+n.time[from][to]
	n.due.push(landingAt{t.arrive, i})
	n.eng.Schedule(t.arrive, n.land, 0)
}

// reposition applies the demand rule to the trucks of the clearing left
// idle.
func (n *network) reposition(now float64) {
	clear(n.net.Waiting)
	for _, j := range n.x.Waiting() {
		n.net.Waiting[j.From] += j.Volume
	}
	clear(n.capAt)
	for _, t := range n.trucks {
		n.capAt[t.hub] += float64(t.capacity)
	}
	for i := range n.trucks {
		t := &n.trucks[i]
		if t.moving || !n.inClearing[i] || t.capacity == 0 {
			continue
		}
		best := -1
		if l := n.learners[t.carrier]; l != nil {
			best = n.choose(now, i, l)
		} else if n.rule == scenario.RepositionDemand {
			best = n.byDemand(t)
		}
		if best < 0 {
			continue
		}
		c := float64(t.capacity)
		n.capAt[t.hub] -= c
		n.capAt[best] += c
		n.move(now, i, best, nil)
	}
}

// byDemand is the demand rule's choice for truck t: the hub to drive to,
// or -1 to stay.
func (n *network) byDemand(t *truck) int {
	h, c := t.hub, float64(t.capacity)
	best, bestScore := -1, 0.0
	for _, g := range n.out[h] {
		if g == h {
			continue
		}
		// What it would find there, against what accumulates here
		// while it travels.
		tau := n.time[h][g]
		here := (float64(n.net.Waiting[h]) + n.rate[h]*tau) / n.capAt[h]
		if s := (float64(n.net.Waiting[g]) + n.rate[g]*tau) / (n.capAt[g] + c); s > here && (best < 0 || s > bestScore) {
			best, bestScore = g, s
		}
	}
	return best
}

// choose is the learned choice (l, its carrier's) for truck i at time now:
// the hub to drive to, or -1 to stay. The candidates are staying and every
// other hub a lane leads to; their features are agents.Repositioner's,
// scored like the demand rule's, over one epoch for staying and over the
// trip for moving. The decision's baseline group is the tenth of the
// episode it falls in.
func (n *network) choose(now float64, i int, l *agents.Repositioner) int {
	t := &n.trucks[i]
	h, c := t.hub, float64(t.capacity)
	squash := func(x float64) float64 { return x / (1 + x) }
	var maxCost, maxTime float64
	for _, g := range n.out[h] {
		if g != h {
			maxCost, maxTime = max(maxCost, n.empty[t.carrier]*n.dist[h][g]), max(maxTime, n.time[h][g])
		}
	}
	share := func(x, of float64) float64 {
		if of == 0 {
			return 0
		}
		return x / of
	}
	n.psi = append(n.psi[:0], 0, squash((float64(n.net.Waiting[h])+n.rate[h])/n.capAt[h]), 0, 0)
	n.cands = append(n.cands[:0], -1)
	for _, g := range n.out[h] {
		if g == h {
			continue
		}
		tau := n.time[h][g]
		n.psi = append(n.psi, 1, squash((float64(n.net.Waiting[g])+n.rate[g]*tau)/(n.capAt[g]+c)),
			share(n.empty[t.carrier]*n.dist[h][g], maxCost), share(tau, maxTime))
		n.cands = append(n.cands, g)
	}
	if len(n.cands) == 1 {
		return -1
	}
	group := int(10 * now / float64(n.w.horizon+1))
	return n.cands[l.Choose(n.x.Carriers[t.carrier].Rand, n.psi, &t.rec, max(group, 0))]
}

// passOn settles a truck's empty_returns when it leaves a hub along a lane
// whose empty running costs e: the jobs it delivered there bear e in their
// carrier's learning (shared by volume) and are released; if it leaves
// loaded (l), its new jobs are credited e (shared by volume), the empty run
// they spare it, and held. The charges and credits cancel over a round
// trip; the carrier's money (its Reward) is untouched: it pays empty
// running when it happens.
func (n *network) passOn(t *truck, e float64, l *agents.Load) {
	had := len(t.cargo) > 0
	if had {
		var v float64
		for _, j := range t.cargo {
			v += float64(j.Volume)
		}
		for _, j := range t.cargo {
			j.Carry[t.carrier].Pay(-e * float64(j.Volume) / v)
			n.x.Release(j, t.carrier)
		}
	}
	clear(t.cargo)
	t.cargo = t.cargo[:0]
	if l == nil {
		return
	}
	for _, j := range l.Cargo {
		if had {
			j.Carry[t.carrier].Pay(e * float64(j.Volume) / float64(l.Volume))
		}
		t.cargo = append(t.cargo, j)
	}
}

// finish adds the idle time of the trucks still waiting at the end of an
// episode, at time end, and releases the cargo still held.
func (n *network) finish(end float64) {
	for i := range n.trucks {
		t := &n.trucks[i]
		for _, j := range t.cargo {
			n.x.Release(j, t.carrier)
		}
		clear(t.cargo)
		t.cargo = t.cargo[:0]
	}
	n.learnReposition()
	if n.stats == nil {
		return
	}
	for _, t := range n.trucks {
		if !t.moving {
			n.stats.idle += end - t.idleSince
		} else if t.arrive < end {
			n.stats.idle += end - t.arrive
		}
	}
	n.stats.truckTime += end * float64(len(n.trucks))
}

// learnReposition ends an episode for the learned repositions: each
// truck's record goes to its carrier's learner, which updates when the
// exchange learns and forgets the episode otherwise.
func (n *network) learnReposition() {
	for i := range n.trucks {
		t := &n.trucks[i]
		if l := n.learners[t.carrier]; l != nil && n.x.Learning {
			l.Learn(&t.rec)
		}
		t.rec.Reset()
	}
	for _, l := range n.learners {
		switch {
		case l == nil:
		case n.x.Learning:
			if err := l.Update(); err != nil {
				n.err = errors.Join(n.err, err)
			}
		default:
			l.Discard()
		}
	}
}
