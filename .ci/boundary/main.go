// Command boundary is the boundary sweep of issue 14: it sets every numeric
// key of a scenario, through --set, to each of 0, -1, 1e-300, 1e300, 2^53,
// 2^63-1, NaN and Inf, on two presets, runs `freightsim run` on each, and
// counts how each ended:
//
//	clean error   exit 2, a message that is no panic, nothing written
//	ran           exit 0, a complete run
//	failed        exit 1 with a message and a run directory that says failed
//	              (a policy that diverges), no panic
//	crash         a panic, a goroutine dump, a signal, or exit 2 after writing
//	hang          no end within -timeout
//
// Run it with .ci/boundary-sweep.sh, which builds the binary. It exits 1 if
// any input crashed or hung.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
)

var values = []string{"0", "-1", "1e-300", "1e300", "9007199254740992", "9223372036854775807", ".nan", ".inf"}

type outcome struct {
	input string
	kind  string // clean, ran, failed, crash, hang
	note  string
}

func main() {
	bin := flag.String("bin", "", "the freightsim binary")
	presets := flag.String("presets", "smart-containers-2020,corridor", "the presets, comma-separated")
	episodes := flag.Int("episodes", 20, "training episodes of a run that is valid (not for the key training.episodes)")
	timeout := flag.Duration("timeout", 2*time.Minute, "a run that takes longer hangs")
	workers := flag.Int("workers", 2, "runs at once")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "boundary: want -bin FREIGHTSIM")
		os.Exit(2)
	}
	keys := numericKeys()
	tmp, err := os.MkdirTemp("", "boundary")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(tmp)

	type input struct{ preset, key, value string }
	var inputs []input
	for _, p := range strings.Split(*presets, ",") {
		for _, k := range keys {
			for _, v := range values {
				inputs = append(inputs, input{p, k, v})
			}
		}
	}
	out := make([]outcome, len(inputs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				in := inputs[i]
				dir := filepath.Join(tmp, fmt.Sprint(i))
				args := []string{"run", in.preset, "--set", in.key + "=" + in.value, "--replicates", "1", "--quiet", "--no-plots", "--out", dir}
				if in.key != "training.episodes" {
					args = append(args, "--episodes", fmt.Sprint(*episodes))
				}
				out[i] = runOne(*bin, args, dir, *timeout)
				out[i].input = fmt.Sprintf("%s --set %s=%s", in.preset, in.key, in.value)
				os.RemoveAll(dir)
			}
		}()
	}
	for i := range inputs {
		next <- i
	}
	close(next)
	wg.Wait()

	count := map[string]int{}
	for _, o := range out {
		count[o.kind]++
		if o.kind != "clean" && o.kind != "ran" {
			fmt.Printf("%-6s %s: %s\n", o.kind, o.input, o.note)
		}
	}
	fmt.Printf("%d numeric keys x %d values x %d presets = %d inputs tried: %d clean errors (exit 2, nothing written), %d ran to the end, %d failed with a message (exit 1), %d crashes, %d hangs\n",
		len(keys), len(values), len(strings.Split(*presets, ",")), len(inputs), count["clean"], count["ran"], count["failed"], count["crash"], count["hang"])
	if count["crash"]+count["hang"] > 0 {
		os.Exit(1)
	}
}

// numericKeys are the scenario's keys that hold a number, the first item
// of each list standing for all.
func numericKeys() []string {
	var keys []string
	for _, k := range scenario.KeyPaths() {
		k = strings.ReplaceAll(k, "[]", "[0]")
		steps, err := config.ParsePath(k)
		if err != nil {
			continue
		}
		kind, ok := config.KindAt(reflect.TypeOf(scenario.Config{}), steps)
		if ok && (kind >= reflect.Int && kind <= reflect.Uint64 || kind == reflect.Float64) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// runOne runs the binary and says how it ended.
func runOne(bin string, args []string, dir string, timeout time.Duration) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	msg := strings.TrimSpace(stderr.String())
	first, _, _ := strings.Cut(msg, "\n")
	if ctx.Err() != nil {
		return outcome{kind: "hang", note: fmt.Sprintf("no end in %v", timeout)}
	}
	if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic:") || strings.Contains(msg, "crashed") {
		return outcome{kind: "crash", note: first}
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		return outcome{kind: "crash", note: err.Error()}
	}
	_, statErr := os.Stat(dir)
	written := statErr == nil
	switch {
	case code == 2 && !written:
		return outcome{kind: "clean", note: first}
	case code == 0:
		return outcome{kind: "ran"}
	case code == 1 && written:
		return outcome{kind: "failed", note: first}
	}
	return outcome{kind: "crash", note: fmt.Sprintf("exit %d, directory written %v: %s", code, written, first)}
}
