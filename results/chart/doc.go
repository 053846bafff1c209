// Package chart draws freightsim's figures from its tables alone: a run's
// learning curves, bids and asks against the equilibrium band, shares and
// price distributions, and a sweep's metric-against-axis lines, points with
// intervals and heat maps.
//
// [RunFigures] draws a run's standard figures from its files: a learning
// curve per metric with its 95 % band over replicates, bids, asks and prices
// against the equilibrium band, utilisation and reward shares, and the
// distribution of prices (over the 0.5–99.5 % quantiles when a few trades
// stretch the range). [MetricVsAxis], [MetricVsAxisPoints],
// [MetricByCategory] and [HeatMap] draw sweeps: lines against a numeric
// parameter, unjoined points for a sampled design, points with intervals for
// a text parameter, and a grid of two.
//
// Figures are for papers: titles and axes name metrics and parameters in
// words with their units ([Label]); colours are Okabe and Ito's, each group
// with its own mark too; the intervals of shares are clipped to [0, 1]
// (results.SummarizeMetric). Each [Figure] is saved ([Figure.Save],
// [SaveAll], several at once) as PNG, SVG or PDF ([Output]: formats, size,
// font size) together with the CSV of exactly the series it shows, so
// figures are compared as data, never as pixels. PNG files are drawn at 150
// dots per inch, with glyphs drawn once and reused (glyphFace), into
// images reused from figure to figure, and encoded by a deflate made for
// figures (encodePNG), so that a run's figures cost little next to the
// run.
//
// It reads package results' tables and imports no other package of
// freightsim.
package chart
