// Package scenario holds the scenario schema: what a freightsim experiment
// is made of (its market, agents, learning and evaluation), its defaults,
// its strict reading from YAML with every problem located, --set overrides,
// distributions and the built-in presets.
//
// A [Config] is read from YAML by [Parse] or [Load] in three steps, as
// litestream reads its configuration: start from the defaults ([Default],
// the smart-container market of van Heeswijk 2020, arXiv 2005.00565),
// decode the file over them, then validate. Unknown keys are rejected with a
// did-you-mean, and every problem found is reported at once as [Problems],
// each naming the file, the line, the field and what is allowed
// (the machinery is package config's). [ParseWith] applies `--set
// key.path=value` overrides to the YAML tree before decoding, so that an
// overridden value is checked exactly like one written in the file.
// Built-in scenarios ([Presets]) are commented YAML files embedded in the
// binary; docs/CONFIG.md documents every key.
//
// The scenario is data: this package builds no agent and runs nothing. What
// follows from the data alone (the capacities after demand_ratio, the job
// generator, the feature scales) is here as methods, so that the wiring
// (package experiments) and the theory (package equilibrium) compute it one
// way.
package scenario
