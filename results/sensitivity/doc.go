// Package sensitivity holds global sensitivity analysis: the designs of
// Morris's elementary effects and of Sobol' indices, and the analyses that
// turn a design's outputs into indices with bootstrap confidence intervals,
// as SALib and the EMA Workbench offer them.
//
// # Designs
//
// A design is a list of runs, each with its index, its group (a Morris
// trajectory or a Sobol base sample), its step within the group, and one
// value in [0, 1] per factor, which the caller maps to the factor's range.
// A design is drawn from a *rand.Rand only, so the same seed gives the same
// design, bit for bit, on any machine: a sweep can journal runs by index,
// resume them, split them among shards, and analyse the outputs in index
// order once they are all in.
//
// [NewMorris] draws r trajectories of k+1 points on a grid of p levels
// (Morris, "Factorial sampling plans for preliminary computational
// experiments", Technometrics 33, 161-174, 1991), every step moving one
// factor by Δ = p/(2(p-1)); r(k+1) runs. With Candidates, it draws more and
// keeps the r most spread out by the distance of Campolongo, Cariboni and
// Saltelli ("An effective screening design for sensitivity analysis of large
// models", Environ. Model. Softw. 22, 1509-1518, 2007), selected greedily.
//
// [NewSobol] draws Saltelli's design (Saltelli, "Making best use of model
// evaluations to compute sensitivity indices", Comput. Phys. Commun. 145,
// 280-297, 2002; Saltelli et al., "Variance based sensitivity analysis of
// model output. Design and estimator for the total sensitivity index",
// Comput. Phys. Commun. 181, 259-270, 2010): N base samples of two points
// A and B, and the points A_B^i that take factor i from B; N(k+2) runs, or
// N(2k+2) with the points B_A^i that second-order indices need. The base
// samples come from a Sobol' sequence (Sobol', "Sensitivity estimates for
// nonlinear mathematical models", Math. Model. Comput. Exp. 1, 407-414,
// 1993, for the indices; the sequence from Sobol', USSR Comput. Math. Math.
// Phys. 7, 86-112, 1967) with the direction numbers of Joe and Kuo
// ("Constructing Sobol sequences with better two-dimensional projections",
// SIAM J. Sci. Comput. 30, 2635-2654, 2008) for up to 500 factors, scrambled
// (Matoušek, "On the L2-discrepancy for anchored boxes", J. Complexity 14,
// 527-556, 1998: a random linear matrix scramble and digital shift, so that
// the seed matters and repeated designs are independent), or, on request,
// from plain pseudo-random draws.
//
// # Analyses
//
// [Morris.Analyze] gives for each factor mu and mu* (Campolongo et al.
// 2007), the mean and mean absolute elementary effect, and sigma, their
// standard deviation; mu* has a bootstrap interval. Effects are measured
// on [0, 1]: a factor mapped linearly to a range of width w that adds c
// times its value to the output has mu* = |c| w and sigma = 0.
//
// [Sobol.Analyze] gives for each factor the first-order index S1 by the
// estimator of Saltelli et al. (2010) and the total index ST by Jansen's
// ("Analysis of variance designs for model output", Comput. Phys. Commun.
// 117, 35-43, 1999), and, with second order, S2 for each pair (Saltelli
// 2002), each with a bootstrap interval.
//
// Intervals are SALib's: the estimate plus or minus z times the standard
// deviation of the estimate over bootstrap resamples of the trajectories'
// effects or of the base samples, z the normal quantile of the level (95 %
// and 1000 resamples by default). For pseudo-random base samples they are
// calibrated (over 300 seeds at N = 512 and at N = 4096, the 95 % intervals
// of the Ishigami function's S1 and ST missed the exact values in 5.1 % of
// cases); for the scrambled Sobol' sequence they are
// conservative, since the points are not independent: on the Ishigami
// function at N = 1024 and 4096 the estimates varied over scramblings 3 to
// 10 times less than the intervals say.
//
// A failed run is a NaN output. Morris leaves out the elementary effects
// that involve it; Sobol leaves out its whole base sample. Each row says
// how many trajectories or base samples it rests on, and the result lists
// the groups with a failed run, since runs that fail more often for some
// inputs than for others bias the indices. An infinite output is an error.
// When the output does not vary, Sobol indices are undefined and reported
// as NaN (null in tables); Morris's are zero.
//
// # Tables
//
// [Indices] is tidy: one row per factor and index (per pair for S2) with
// the value, the interval and the count. [Indices.Table] gives a
// [results.Table] with factors and kinds as integer codes, [Indices.WriteCSV]
// a CSV with them by name.
package sensitivity
