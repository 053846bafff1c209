#!/usr/bin/env bash
# The boundary sweep (issue 14): every numeric key of two presets set through
# --set to 0, -1, 1e-300, 1e300, 2^53, 2^63-1, NaN and Inf, each run by
# `freightsim run` (20 training episodes when valid). Prints the inputs that
# did not end in a clean error or a complete run, then the counts; exit 1 if
# any crashed or hung. About 10 minutes on a 2-core machine.
#
#   bash .ci/boundary-sweep.sh [PRESET,PRESET,...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
bin=$(mktemp -d)/freightsim
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/freightsim
go run ./.ci/boundary -bin "$bin" -presets "${1:-smart-containers-2020,corridor}"
