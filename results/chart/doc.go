// Package chart draws freightsim's figures from its tables alone: a run's
// learning curves, bids and asks against the equilibrium band, shares and
// price distributions, and a sweep's metric-against-axis lines and heat maps.
//
// [RunFigures] draws a run's standard figures from its files: a learning
// curve per metric with its 95 % band over replicates, bids, asks and prices
// against the equilibrium band, utilisation and reward shares, and the
// distribution of prices; [MetricVsAxis] and [HeatMap] draw sweeps. Each
// [Figure] is saved as PNG and SVG (gonum/plot) together with the CSV of
// exactly the series it shows, so figures are compared as data, never as
// pixels.
//
// It reads package results' tables and imports no other package of
// freightsim.
package chart
