package main

import (
	"fmt"
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
	// The search can take minutes: stderr says that it has begun.
	if !strings.Contains(stderr, "freightsim: measuring the distance to equilibrium") {
		t.Errorf("no note on measuring in stderr:\n%s", stderr)
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
	// The best responses are printed in money: evaluated on the three jobs
	// worth shipping (reservation, cost, volume), the shipper's bids 1.2 x
	// the cost, the carrier's asks 0.8 x the reservation, within what 4
	// significant digits allow.
	jobs := [][3]float64{{120, 50, 10}, {150, 60, 20}, {90, 50, 5}}
	for _, c := range []struct {
		quote string
		want  func(job [3]float64) float64
	}{
		{"bid", func(j [3]float64) float64 { return 1.2 * j[1] }},
		{"ask", func(j [3]float64) float64 { return 0.8 * j[0] }},
	} {
		line := regexp.MustCompile(`best response: ` + c.quote + ` = (.*)`).FindStringSubmatch(stdout)
		if line == nil {
			continue // reported above
		}
		w, err := parseLine(line[1])
		if err != nil {
			t.Fatalf("best response %s = %s: %v", c.quote, line[1], err)
		}
		for _, j := range jobs {
			got := w["1"] + w["reservation"]*j[0] + w["cost"]*j[1] + w["volume"]*j[2]
			if math.Abs(got-c.want(j)) > 0.05 {
				t.Errorf("the printed best response %s = %s quotes %v on a job (reservation, cost, volume) %v, want %v", c.quote, line[1], got, j, c.want(j))
			}
		}
	}
	code, _, stderr = freightsim(t, "equilibrium", "--measure", "--episodes", "-1")
	if code != 2 || !strings.Contains(stderr, "--episodes -1") {
		t.Errorf("--episodes -1: exit %d, %s; want 2 and a message naming the flag", code, stderr)
	}
}

// parseLine reads a printed linear rule, "57.75 - 0.2750*reservation +
// 0.3750*cost", into its weights by feature ("1" for the bias).
func parseLine(s string) (map[string]float64, error) {
	w := map[string]float64{}
	tokens := strings.Fields(s)
	for i := 0; i < len(tokens); i++ {
		sign, term := 1.0, tokens[i]
		if term == "+" || term == "-" {
			if term == "-" {
				sign = -1
			}
			i++
			if i == len(tokens) {
				return nil, fmt.Errorf("a sign without a term")
			}
			term = tokens[i]
		}
		num, name, ok := strings.Cut(term, "*")
		if !ok {
			name = "1"
		}
		x, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return nil, err
		}
		w[name] = sign * x
	}
	return w, nil
}

// Amounts too small for 4 decimals keep 4 significant digits, so that a
// tiny gap does not read "0 from 0 to 0" beside a relative loss of 0.95;
// the rest are written as the tables write them.
func TestAmount(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{
		{0, "0"}, {7.61e-06, "7.61e-06"}, {-3.947e-07, "-3.947e-07"}, {4.9e-5, "4.9e-05"},
		{5e-5, "0.0001"}, {3359.99614, "3359.9961"}, {-12209.40423, "-12209.4042"},
	} {
		if got := amount(c.x); got != c.want {
			t.Errorf("amount(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}
