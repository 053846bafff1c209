// Package agents holds the actors of a freight spot market: jobs (smart
// containers), the shippers that own them, the carriers that move them, the
// strategies that price them, and the [Exchange] where they meet.
//
// The model is that of van Heeswijk, "Smart Containers With Bidding
// Capacity: A Policy Gradient Algorithm for Semi-Cooperative Learning"
// (ICCL 2020, arXiv 2005.00565) and "Strategic bidding in freight transport
// using deep reinforcement learning" (Annals of OR 350, 2025, arXiv
// 2102.09253): at every carrier departure each waiting job gets a bid from
// its shipper's strategy and an ask from the carrier's, the broker of
// package market clears them under the truck's capacity, and rewards are
// paid: the shipper pays the price (and gains the job's value, if the
// scenario gives one) when a job ships, h per volume unit for every
// clearing it waits and p per volume unit when it fails; the carrier
// receives its price minus its cost k*v*l.
//
// A job created with due d0 has d0+1 clearings to ship: Due counts the
// clearings left after the current one, and a job with Due 0 that does not
// ship fails.
//
// Strategies are small interfaces: a [Strategy] quotes a price, a [Learner]
// also learns from finished jobs. [Gaussian] is the learning strategy of
// the paper: one linear-Gaussian policy on [P2Features], shared by all the
// jobs of a shipper (the paper's semi-cooperative learning), trained by
// REINFORCE with a baseline per remaining due. [PGLearner] trains any
// Gaussian policy of package policy by its general policy gradient, and
// [Trained] any Gaussian policy by any update rule: the default learner
// (policy.NewNatural, a natural policy gradient) or the deep learner of
// package policy/ppo. [TruthfulBid] and [TruthfulAsk] quote value and cost.
//
// Each job keeps, for each side, a [Record] of its decisions and the
// rewards that followed them; a job's return from a decision is the
// undiscounted sum of its rewards from that decision to its end.
//
// In a large market every carrier quoting every job costs jobs times
// carriers; with [Exchange.Candidates] the carriers form segments and each
// job is quoted by, and ships with, its segment's carriers only, so that a
// job's work and memory stay bounded.
//
// A freight network clears hub by hub ([Exchange.DepartHubs]): the jobs
// waiting at a hub (Job.From) go to the [Truck]s present there, each truck
// taking jobs of one destination (Job.To) within its capacity, as market's
// Broker.AssignLanes assigns them; strategies may see the network through
// View.Net (the features backhaul, dest_outbound, dest_waiting, fleet_here
// and fleet_dest). With [Exchange.HoldCargo] a shipped job's carrier record
// stays open until the truck moves on, so that what the move costs or
// spares can be paid to it. A network may trade by continuous double
// auction instead ([CDA.OpenHubs], [CDA.SettleHubs]): a book per lane at
// each hub, the trucks present as sellers, each committed to one
// destination by its first trade. A [Repositioner] is a carrier's learned
// choice of where a truck without a load goes.
//
// Nothing here knows a clock: package experiments schedules arrivals and
// departures on the engine of package sim and calls the Exchange.
package agents
