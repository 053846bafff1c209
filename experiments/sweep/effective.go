package sweep

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/results"
	"gopkg.in/yaml.v3"
)

// Hash identifies the sweep: the SHA-256 of its effective sweep file, its
// effective base scenario and its points. Two directories hold runs of the
// same sweep exactly when their hashes are equal.
func (sw *Spec) Hash() string { return sw.hash }

// Points is the number of points.
func (sw *Spec) Points() int { return len(sw.episodes) }

// Runs is the number of runs: points times replicates.
func (sw *Spec) Runs() int { return sw.Points() * sw.Replicates }

// Columns are the metric columns of the run table: every metric of the
// final evaluation of any point, in the order of the first point that has it.
func (sw *Spec) Columns() []string { return slices.Clone(sw.columns) }

// EffectiveFile is the effective sweep file: sweep.yaml of a sweep directory, which
// names base.yaml (the effective base, [Spec.BaseYAML]) as its base.
func (sw *Spec) EffectiveFile() []byte { return slices.Clone(sw.spec) }

// BaseYAML is the effective base scenario as YAML: base.yaml.
func (sw *Spec) BaseYAML() []byte { return slices.Clone(sw.baseYAML) }

// seal writes the effective sweep file and computes the hash.
func (sw *Spec) seal() error {
	spec, err := sw.effective()
	if err != nil {
		return err
	}
	sw.spec = spec
	h := newHash()
	h.Write(spec)
	h.Write([]byte{0})
	h.Write(sw.baseYAML)
	h.Write([]byte{0})
	if err := sw.WritePoints(h, false); err != nil {
		return err
	}
	sw.hash = h.sum()
	return nil
}

// effective is the sweep file that reproduces this sweep from base.yaml:
// the set overrides are in base.yaml, the metrics and names resolved.
func (sw *Spec) effective() ([]byte, error) {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	raw := func(s string) *yaml.Node {
		var d yaml.Node
		if err := yaml.Unmarshal([]byte(s), &d); err != nil || len(d.Content) == 0 {
			return str(s)
		}
		return d.Content[0]
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) { m.Content = append(m.Content, str(k), v) }
	add("name", str(sw.Name))
	if sw.Description != "" {
		add("description", str(sw.Description))
	}
	add("base", str("base.yaml"))
	add("seed", raw(fmt.Sprint(sw.Seed)))
	add("replicates", raw(fmt.Sprint(sw.Replicates)))
	add("design", str(sw.Design))
	if sw.Design != DesignGrid {
		add("samples", raw(fmt.Sprint(sw.Samples)))
	}
	if sw.Levels != 0 {
		add("levels", raw(fmt.Sprint(sw.Levels)))
	}
	axes := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, ax := range sw.Axes {
		a := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		put := func(k string, v *yaml.Node) { a.Content = append(a.Content, str(k), v) }
		put("key", str(ax.Key))
		put("name", str(ax.Name))
		if ax.Unit != "" {
			put("unit", str(ax.Unit))
		}
		if ax.Range {
			put("from", raw(fmtNum(ax.From)))
			put("to", raw(fmtNum(ax.To)))
			if ax.Steps > 0 {
				put("steps", raw(fmt.Sprint(ax.Steps)))
			}
			put("scale", str(map[bool]string{false: "linear", true: "log"}[ax.Log]))
		} else {
			vs := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for _, n := range ax.nodes {
				c := config.CopyNode(n)
				config.ClearPositions(c)
				vs.Content = append(vs.Content, c)
			}
			put("values", vs)
		}
		axes.Content = append(axes.Content, a)
	}
	add("axes", axes)
	ms := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, name := range sw.Metrics {
		ms.Content = append(ms.Content, str(name))
	}
	add("metrics", ms)
	add("plots", raw(fmt.Sprint(sw.Plots)))
	var b bytes.Buffer
	b.WriteString("# the effective sweep: freightsim sweep on this file runs it again (its base is base.yaml, beside it)\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func fmtNum(x float64) string { return fmt.Sprint(x) }

// WriteEffective writes the effective sweep into dir: sweep.yaml and
// base.yaml, each atomically; see [Spec.Spec].
func (sw *Spec) WriteEffective(dir string) error {
	for _, f := range []struct {
		name string
		data []byte
	}{{"sweep.yaml", sw.spec}, {"base.yaml", sw.baseYAMLFile()}} {
		if err := writeBytes(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// baseYAMLFile is base.yaml: the effective base with a header comment.
func (sw *Spec) baseYAMLFile() []byte {
	return append([]byte("# the effective base scenario of the sweep in this directory: its base with set applied\n"), sw.baseYAML...)
}

func writeBytes(path string, data []byte) error {
	return results.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
