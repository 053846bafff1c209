// Package freightsim is the root of the freightsim module, a simulator of
// freight spot markets in which smart containers (shippers) and carriers
// learn to price transport by policy-gradient reinforcement learning and a
// neutral broker clears a double auction under truck capacity.
//
// The code lives in its packages, layered so that arrows point down only:
//
//	cmd/freightsim   the command line
//	experiments      scenarios, presets, runs, replicates, seeds, workers
//	agents           jobs, shippers, carriers, strategies, the exchange
//	market           clearing: knapsack broker, tie and price rules
//	policy           Gaussian policies and policy-gradient updates
//	sim              the discrete-event engine
//	results          metrics, summaries, tables and their files
//
// sim, market, policy and results import no package of this module; agents
// may import market and policy; experiments wires everything. The test in
// this directory keeps it so. See README.md to get started.
package freightsim
