#!/usr/bin/env bash
# Checks that two revisions give byte-identical results: every preset's
# summary.json, evaluations.csv, episodes.csv and theory.json (full length, as
# shipped, 2 replicates), and every sweep of docs/sweeps (runs.csv,
# aggregate.csv, points.csv and the data of its figures, plots/*.csv). Use it around a change that must not move any
# figure (a refactoring, a speed-up):
#
#   bash .ci/same-outputs.sh BASE [HEAD]      # BASE, HEAD: git revisions; HEAD defaults to the work tree
#   bash .ci/same-outputs.sh --save DIR [REV] # only write the outputs of REV (default: the work tree) to DIR
#
# It builds each revision from a clean export (git archive), runs the same
# commands with each binary, and compares the files with cmp. Exit 0 when all
# are identical, 1 with the differing files listed otherwise. About 2 minutes
# per revision on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

build() { # build REV DIR: the binary of revision REV (or the work tree for "") in DIR
  local rev=$1 dir=$2
  mkdir -p "$dir/src"
  if [ -z "$rev" ]; then
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -xf - -C "$dir/src"
  else
    git archive "$rev" | tar -xf - -C "$dir/src"
  fi
  (cd "$dir/src" && go build -o "$dir/freightsim" ./cmd/freightsim)
}

outputs() { # outputs BIN OUT: every preset and every docs sweep
  local bin=$1 out=$2
  mkdir -p "$out"
  for p in $("$bin" scenarios list | awk 'NR > 1 && NF {print $1}'); do
    "$bin" run "$p" --replicates 2 --workers 2 --quiet --no-plots --out "$out/run-$p" > /dev/null ||
      echo "run $p failed" >> "$out/failures"
  done
  for s in docs/sweeps/*.yaml; do
    local n; n=$(basename "$s" .yaml)
    "$bin" sweep "$s" --workers 2 --quiet --out "$out/sweep-$n" > /dev/null ||
      echo "sweep $n failed" >> "$out/failures"
  done
  # Keep only what depends on the scenario and the seed.
  find "$out" -type f ! \( -name summary.json -o -name evaluations.csv -o -name episodes.csv \
    -o -name theory.json -o -name runs.csv -o -name aggregate.csv -o -name points.csv -o -name failures \
    -o -path '*/plots/*.csv' \) -delete
}

if [ "${1:-}" = "--save" ]; then
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  build "${3:-}" "$dir/bin"
  outputs "$dir/bin/freightsim" "$2"
  exit 0
fi

base=${1:?usage: same-outputs.sh BASE [HEAD]}
head=${2:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
build "$base" "$work/a"
build "$head" "$work/b"
outputs "$work/a/freightsim" "$work/a/out"
outputs "$work/b/freightsim" "$work/b/out"
(cd "$work/a/out" && find . -type f | sort) > "$work/a.files"
(cd "$work/b/out" && find . -type f | sort) > "$work/b.files"
status=0
if ! diff -u "$work/a.files" "$work/b.files"; then
  echo "the two revisions wrote different sets of files"; status=1
fi
n=0
while read -r f; do
  [ -f "$work/b/out/$f" ] || continue
  n=$((n + 1))
  if ! cmp -s "$work/a/out/$f" "$work/b/out/$f"; then
    echo "differs: $f"; status=1
  fi
done < "$work/a.files"
[ $status -eq 0 ] && echo "identical: $n files of ${base} and ${head:-the work tree}"
exit $status
