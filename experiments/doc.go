// Package experiments wires freightsim together: it takes a scenario,
// builds its agents, market and engine, runs replicates on a pool of
// workers, and collects what they measured.
//
// # Scenarios
//
// A run takes a [scenario.Config], read and validated by package scenario;
// Run validates a scenario built in Go the same way before it starts.
//
// # Learners
//
// A learning agent's strategy.learner picks its update rule
// (strategy.go): the default learner, policy.Natural on a linear or MLP
// Gaussian policy (agents.Trained); PPO (package policy/ppo, also
// agents.Trained); P2's REINFORCE (agents.Gaussian), which learner auto
// gives under p2_compat; or the general policy gradient (agents.PGLearner).
//
// # Convergence and early stop
//
// With the equilibrium measurement on (or a training.stop rule) each
// evaluation point also reports how far the first learners' mean quotes
// moved since the previous one (convergence.go, [ConvergenceMetrics]). A
// training.stop rule ends a replicate's training once the relative gap
// NashConv/S, the movement, or both have stayed below their thresholds for
// a number of evaluation points; its final evaluation is that point's, and
// the summary lists when and why ([results.Stopped]).
//
// # Time
//
// Runs are discrete-event simulations on package sim's engine, in epochs:
// epoch t's jobs arrive at time t and every carrier departs at t+0.5. A
// training episode has epochs 0..training.horizon and is followed by one
// policy update; an evaluation point runs evaluation.episodes episodes of
// epochs 0..evaluation.horizon without learning.
//
// # Networks
//
// A scenario with network.hubs is a freight network (network.go): jobs
// arise per origin-destination row at each hub every epoch; at each
// departure time every hub clears against the trucks there; a loaded truck
// lands at its destination after the lane's travel time (an arrival event);
// a truck without a load waits or repositions empty by the scenario's rule
// or by a choice its carrier learns (agents.Repositioner). With
// market.clearing cda every hub trades by continuous double auction, a
// book per lane, each epoch (agents.CDA.OpenHubs).
// Evaluation points measure each lane (lanes.csv, [LaneColumns]) and the
// network's empty running and idle time ([NetworkMetrics]). A one-hub
// market written as a network gives the same results bit for bit.
//
// # Episode ends and p2_compat
//
// With p2_compat on, jobs still waiting when an episode ends are dropped,
// unlearned and unmeasured, as the P2 code does (its quirk (d)). With it
// off, the episode plays them out: departures continue with no arrivals
// until every waiting job has shipped or failed, so that each decision is
// learned from with its full return and no job escapes the metrics. The
// other quirks live in packages agents (a) and policy (b, c).
//
// # Reproducibility
//
// Every random draw comes from a PCG stream derived by SplitMix64 hashing
// from (seed, replicate, phase, role), where phase is training or one
// evaluation point and role is the job stream or one agent. So a replicate's
// results do not depend on the number of workers, on the number of
// replicates, or on how often training is evaluated; and the same command
// gives byte-identical results.
package experiments
