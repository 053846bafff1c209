package main

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestEquilibriumMeasure: one command measures a profile of fixed pricing
// rules. On P1's deterministic market a shipper bidding 0.8 x value and a
// carrier asking 1.2 x cost each gain 96 an epoch, 1920 an episode, by
// meeting the other's quote (experiments' ladder derives it), exactly.
func TestEquilibriumMeasure(t *testing.T) {
	code, stdout, stderr := freightsim(t, "equilibrium", "strategic-bidding-deterministic", "--measure",
		"--set", "shippers[0].strategy={kind: markup, markup: 0.2, features: [bias, reservation, cost, volume]}",
		"--set", "carriers[0].strategy={kind: markup, markup: 0.2, features: [bias, reservation, cost, volume]}")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	// Within 0.01 %: a best response that meets a quote exactly is moved a
	// hair (1e-6 relative) toward trading.
	for _, who := range []string{"shipper", "carrier"} {
		m := regexp.MustCompile(who + ` 0 \(markup\) gains ([0-9.]+) per episode by its best response \(exact\)`).FindStringSubmatch(stdout)
		if m == nil {
			t.Errorf("no exact gap of the %s in:\n%s", who, stdout)
			continue
		}
		if g, _ := strconv.ParseFloat(m[1], 64); math.Abs(g-1920) > 0.0001*1920 {
			t.Errorf("the %s's gap %v, theory 1920", who, g)
		}
	}
	for _, want := range []string{
		"best response: bid = ",
		"best response: ask = ",
		"ne_adherence    0.04",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	code, _, stderr = freightsim(t, "equilibrium", "--measure", "--episodes", "-1")
	if code != 2 || !strings.Contains(stderr, "--episodes -1") {
		t.Errorf("--episodes -1: exit %d, %s; want 2 and a message naming the flag", code, stderr)
	}
}
