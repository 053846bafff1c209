// Package report writes report.html: one self-contained page that puts a
// run's, a curve's or a sweep's scenario, headline numbers, theory,
// figures and tables together, to open offline or send to a colleague.
//
// A [Page] is filled by the caller (package experiments for runs and
// curves, experiments/sweep for sweeps) from the files of a result
// directory alone, so that the page can be drawn again at any time
// (freightsim report DIR). [Page.Write] renders it with html/template:
// every figure is embedded as a base64 data URL, the style sheet is inline,
// and nothing is fetched from the network; the tables are linked by their
// relative paths, so the links work next to the files.
//
// It imports package results only.
package report
