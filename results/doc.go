// Package results turns what a simulation measured into numbers and files:
// the metrics of an evaluation, their summary over replicates with
// confidence intervals, and the tidy tables and JSON documents a run writes.
//
// # Metrics
//
// [Evaluation] accumulates one evaluation of the smart-container market of
// van Heeswijk (2020, arXiv 2005.00565) and yields the metrics listed by
// [P2Metrics], among them the paper's own "average bidding cost": the
// unweighted mean over remaining-due groups of the mean return of a bid
// decision in that group.
//
// # Summaries
//
// [Summarize] gives the mean, the sample standard deviation and the 95 %
// confidence interval of the mean from Student's t distribution with n-1
// degrees of freedom (gonum's distuv.StudentsT), the usual interval for a
// mean over independent replicates (e.g. Law, Simulation Modeling and
// Analysis, 5th ed., §4.5).
//
// # Files
//
// Tables are tidy (Wickham, "Tidy Data", J. Stat. Software 59, 2014): one
// row per observation, one column per variable, written as CSV with the
// shortest decimal that reads back to the same float64 and an empty field
// for a missing value. Every file is written atomically ([WriteFile]), so a
// crash never leaves a half-written file in place of a good one.
//
// # Figures
//
// Figures are package chart's, beside this one: it draws them from these
// tables.
//
// The package imports no other package of freightsim.
package results
