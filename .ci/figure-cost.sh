#!/usr/bin/env bash
# What the figures cost: a default `freightsim run` with figures against the
# same with --no-plots, whole process, in N paired runs (default 7), each
# pair back to back. Prints each pair's wall and CPU (user + sys) seconds,
# the median ratios and the median of what the figures add (seconds of
# wall and of CPU). On a loaded machine trust the CPU more than the wall.
# Not a CI check: a measurement, quoted in the README.
#
#   bash .ci/figure-cost.sh [N] [BINARY [BASELINE]]
#
# With a BASELINE binary (an earlier revision's), every round measures a
# pair of each, one after the other, so that both see the same hours of a
# machine whose speed drifts, and each gets its own medians.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
n=${1:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${2:-}
if [ -z "$bin" ]; then
  go build -o "$work/freightsim" ./cmd/freightsim
  bin="$work/freightsim"
fi
bins=("$bin")
if [ -n "${3:-}" ]; then
  bins+=("$3")
fi
# bash's time, to the millisecond (GNU time's wall clock counts in
# hundredths, 3 % of a run of 0.33 s).
TIMEFORMAT='%3R %3U %3S'
measure() { { time "$1" run --quiet --force "${@:2}" > /dev/null 2>&1; } 2>&1; }
for _ in $(seq "$n"); do
  for i in "${!bins[@]}"; do
    echo "$i $(measure "${bins[$i]}" --out "$work/with") $(measure "${bins[$i]}" --no-plots --out "$work/without")"
  done
done > "$work/pairs"
for i in "${!bins[@]}"; do
  echo "${bins[$i]}:"
  awk -v b="$i" '$1 == b { $1 = ""; print }' "$work/pairs" | awk '
  { wa[NR] = $1; wb[NR] = $4; ca[NR] = $2 + $3; cb[NR] = $5 + $6
    printf "with figures %.3f s wall %.3f s CPU; --no-plots %.3f s wall %.3f s CPU; ratio %.3f wall %.3f CPU\n", $1, ca[NR], $4, cb[NR], $1 / $4, ca[NR] / cb[NR]
    rw[NR] = $1 / $4; rc[NR] = ca[NR] / cb[NR]; aw[NR] = $1 - $4; ac[NR] = ca[NR] - cb[NR] }
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "median of %d pairs: wall ratio %.3f, CPU ratio %.3f; the figures add %.3f s of wall, %.3f s of CPU\n", NR, median(rw, NR), median(rc, NR), median(aw, NR), median(ac, NR) }'
done
echo "load average: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) CPUs"
