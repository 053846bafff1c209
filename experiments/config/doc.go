// Package config reads YAML configuration strictly and says exactly where it
// is wrong: the machinery that the scenario schema (package scenario) and
// the sweep file (package sweep) share.
//
// It follows the flow of litestream's ParseConfig: a document is walked
// against a schema (a struct type with yaml tags) by an [Index], which
// records the line of every field path and reports unknown keys with a
// did-you-mean ([DidYouMean], by Levenshtein distance); values of the wrong
// type become located problems ([Index.TypeProblem]); and every problem
// found is returned at once as [Problems], each naming the file, the line,
// the field and what is allowed.
//
// Key paths (carriers[0].strategy.sigma, shippers[*].penalty) address a
// setting ([ParsePath]); an [Override] ("key.path=value", as --set gives it)
// is applied to the YAML tree before it is decoded, so an overridden value
// goes through exactly the checks of a value written in the file.
//
// It knows no schema of its own: the types it walks are its callers'.
package config
