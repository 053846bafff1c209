package scenario

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/config"
	"gopkg.in/yaml.v3"
)

// readConfigDoc returns docs/CONFIG.md, the documented schema.
func readConfigDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConfigDocNamesEveryKey walks the Config type's yaml tags: a key
// added to a scenario must be documented in docs/CONFIG.md.
func TestConfigDocNamesEveryKey(t *testing.T) {
	doc := readConfigDoc(t)
	paths := KeyPaths()
	if len(paths) < 40 {
		t.Fatalf("KeyPaths found only %d keys: %v", len(paths), paths)
	}
	for _, p := range paths {
		if !strings.Contains(doc, "`"+p+"`") {
			t.Errorf("docs/CONFIG.md does not document the key `%s`: add a row for it (meaning, unit, default, allowed) to its section's table", p)
		}
	}
}

var (
	tickRE     = regexp.MustCompile("`([^`]*)`")
	onlyTickRE = regexp.MustCompile("^(`[^`]*`(, )?)+$")
)

// TestConfigDocDefaults checks the default column of the key tables
// against Default(), where it gives one plain value per key.
func TestConfigDocDefaults(t *testing.T) {
	kvs, err := config.Flatten(Default())
	if err != nil {
		t.Fatal(err)
	}
	def := map[string]string{}
	for _, kv := range kvs {
		def[kv[0]] = kv[1]
	}
	checked := 0
	for _, line := range strings.Split(readConfigDoc(t), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 7 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue // not a row of a key table: | key | meaning | unit | default | allowed |
		}
		keyCell, defCell := strings.TrimSpace(cells[1]), strings.TrimSpace(cells[4])
		if !onlyTickRE.MatchString(defCell) {
			continue // a default in words
		}
		keys, vals := tickRE.FindAllStringSubmatch(keyCell, -1), tickRE.FindAllStringSubmatch(defCell, -1)
		if len(keys) != len(vals) {
			continue
		}
		for i, k := range keys {
			path := strings.ReplaceAll(k[1], "[]", "[0]")
			want, ok := def[path]
			if !ok || strings.HasPrefix(vals[i][1], "[") {
				continue // a list, or under a list that is empty by default
			}
			checked++
			if vals[i][1] != want {
				t.Errorf("docs/CONFIG.md gives %s the default %q, Default() has %q", k[1], vals[i][1], want)
			}
		}
	}
	if checked < 30 {
		t.Errorf("checked only %d defaults: is the table format of docs/CONFIG.md still | key | meaning | unit | default | allowed |?", checked)
	}
}

// TestConfigDocExample: the complete example is valid and sets every key
// (under a list it leaves empty, the list itself).
func TestConfigDocExample(t *testing.T) {
	doc := readConfigDoc(t)
	_, rest, ok := strings.Cut(doc, "## A complete example")
	if !ok {
		t.Fatal(`docs/CONFIG.md has no "## A complete example" section`)
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the complete example of docs/CONFIG.md is not a ```yaml block")
	}
	if _, err := Parse("docs/CONFIG.md example", []byte(example)); err != nil {
		t.Fatalf("the complete example does not parse:\n%v", err)
	}
	var tree yaml.Node
	if err := yaml.Unmarshal([]byte(example), &tree); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	index := regexp.MustCompile(`\[\d+\]`)
	for path := range config.FieldLines(tree.Content[0]) {
		set[index.ReplaceAllString(path, "[]")] = true
	}
	for _, p := range KeyPaths() {
		if set[p] {
			continue
		}
		if i := strings.Index(p, "[]"); i > 0 {
			parent := p[:i]
			leaf := parent[strings.LastIndex(parent, ".")+1:]
			if set[parent] && strings.Contains(example, " "+leaf+": []") {
				continue
			}
		}
		t.Errorf("the complete example of docs/CONFIG.md does not set %s", p)
	}
}
