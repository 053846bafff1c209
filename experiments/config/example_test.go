package config_test

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments/config"
)

type truck struct {
	Capacity int     `yaml:"capacity"`
	CostRate float64 `yaml:"cost_rate"`
}

type fleet struct {
	Name   string  `yaml:"name"`
	Trucks []truck `yaml:"trucks"`
}

// An index walks a document against a schema: it finds every field's line
// and every unknown key, with a did-you-mean.
func ExampleIndex() {
	doc := "name: north\ntrucks:\n  - capacity: 40\n    cost_rat: 0.1\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		panic(err)
	}
	idx := config.NewIndex("fleet.yaml")
	idx.Walk(root.Content[0], reflect.TypeOf(fleet{}), "")
	fmt.Println(idx.Line("trucks[0].capacity"))
	fmt.Println(idx.Problems)
	// Output:
	// 3
	// fleet.yaml:4: trucks[0].cost_rat: unknown key "cost_rat"; did you mean "cost_rate"?
}

// An override sets a value in the YAML tree before it is decoded, so that
// the value is checked like one written in the file.
func ExampleOverride() {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte("name: north\ntrucks:\n  - capacity: 40\n"), &root); err != nil {
		panic(err)
	}
	o, err := config.ParseOverride("trucks[0].capacity=60")
	if err != nil {
		panic(err)
	}
	if err := o.Apply(root.Content[0], nil); err != nil {
		panic(err)
	}
	var f fleet
	if err := root.Decode(&f); err != nil {
		panic(err)
	}
	fmt.Println(f.Trucks[0].Capacity, config.Canonical(o.Steps))
	// Output:
	// 60 trucks[0].capacity
}
