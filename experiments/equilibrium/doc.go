// Package equilibrium measures a market against economic theory: what
// theory says of a scenario before anyone learns ([Theory]: closed-form
// equilibria, the competitive equilibrium, the efficient surplus), and how
// far a replicate's learned strategies are from a Nash equilibrium
// ([Measure]).
//
// It is the room for everything a learned market is compared with. It
// reads a scenario (package scenario) and plays a market only through the
// small [Market] interface, which the wiring's replicate implements
// (package experiments): so the measurement does not know how episodes are
// scheduled, and the wiring does not know how best responses are found.
//
// # The measurement
//
// For each learning agent i (each distinct learning policy: the shippers'
// and the carriers'), every other agent's learned strategy is held fixed and
// agent i's strategy class is searched for a best response BR_i:
// deterministic-looking Gaussian policies with the agent's own features, a
// linear mean theta . phi, and the small standard deviation
// equilibrium.sigma. The search is Nelder-Mead (gonum/optimize) on the
// agent's mean episode reward over equilibrium.search_episodes episodes, the
// same episodes (common random numbers) for every candidate, started from
// the learned weights. The best candidate and the learned strategy are then
// compared on equilibrium.eval_episodes fresh episodes, again with common
// random numbers, giving gap_i = U_i(BR_i) - U_i(learned) per episode.
//
// A search finds a lower bound on the true best response, so gap_i is a
// lower bound on agent i's true gain from deviating (it can come out
// slightly negative: the learned strategy is its own best response up to
// noise). NashConv = sum_i gap_i, and NE adherence = 1 - NashConv / S,
// clipped to [0,1], with S the efficient gains from trade per measurement
// episode. The measurement's own 95 % interval over its evaluation episodes
// is reported as nash_conv_ci95 (a half-width); summary.json adds the
// interval over replicates.
package equilibrium
