package scenario

import (
	"embed"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/freightsim/freightsim/experiments/config"
)

//go:embed presets/*.yaml
var presetFS embed.FS

// DefaultPreset is the scenario run when none is named.
const DefaultPreset = "smart-containers-2020"

// Presets returns the names of the built-in scenarios, sorted.
func Presets() []string {
	entries, err := presetFS.ReadDir("presets")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(names)
	return names
}

// PresetHint is "; did you mean "NAME"?" naming the preset closest to
// name, a mistyped preset, or "" when none is close.
func PresetHint(name string) string {
	if s := config.DidYouMean(name, Presets()); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// PresetYAML returns the commented YAML of a built-in scenario.
func PresetYAML(name string) ([]byte, error) {
	b, err := presetFS.ReadFile(path.Join("presets", name+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("no preset %q%s: the presets are %s", name, PresetHint(name), strings.Join(Presets(), ", "))
	}
	return b, nil
}

// Resolve reads a scenario named on the command line: a preset name, or the
// path of a YAML file. An empty name is the default preset.
func Resolve(nameOrFile string) (Config, error) { return ResolveWith(nameOrFile, nil) }

// source reads what a scenario named on the command line holds, and the
// name problems are reported under: "preset NAME", or the file's path.
func source(nameOrFile string) (label string, data []byte, err error) {
	if nameOrFile == "" {
		nameOrFile = DefaultPreset
	}
	if slices.Contains(Presets(), nameOrFile) {
		b, err := PresetYAML(nameOrFile)
		return "preset " + nameOrFile, b, err
	}
	data, err = os.ReadFile(nameOrFile)
	if err != nil {
		return "", nil, fmt.Errorf("%q is neither a preset (%s) nor a readable file: %w%s",
			nameOrFile, strings.Join(Presets(), ", "), err, PresetHint(nameOrFile))
	}
	if err := notEmpty(nameOrFile, data); err != nil {
		return "", nil, err
	}
	return nameOrFile, data, nil
}
