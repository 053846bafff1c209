package scenario

import (
	"strings"
	"testing"
)

// A mistyped preset name is answered with the closest preset, as a
// mistyped key or command is; a name far from every preset gets none.
func TestMistypedPresetDidYouMean(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"smart-contaners-2020", `did you mean "smart-containers-2020"?`},
		{"netwrk", `did you mean "network"?`},
		{"my-market.yaml", ""},
	} {
		_, err := Resolve(c.name)
		if err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if c.want == "" && strings.Contains(err.Error(), "did you mean") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", c.name, err, c.want)
		}
		if _, err := PresetYAML(c.name); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("PresetYAML(%s): %v\nwant %q", c.name, err, c.want)
		}
	}
}
