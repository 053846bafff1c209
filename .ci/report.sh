#!/usr/bin/env bash
# Opens the report.html of a run, a curve and a sweep in headless Chromium
# (Debian's chromium, installed here with fonts-liberation) and checks that
# each renders without a console error and that every figure it embeds
# decodes (an <img> with a natural width). Keeps a screenshot of each and
# prints where, as the artifacts of this check.
#
#   bash .ci/report.sh            # artifacts in ./report-artifacts (or $ARTIFACTS)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

if ! command -v chromium > /dev/null || [ ! -d /usr/share/fonts/truetype/liberation ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium fonts-liberation
fi

artifacts=${ARTIFACTS:-$PWD/report-artifacts}
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/freightsim" ./cmd/freightsim
fs="$work/freightsim"

# A run, a curve and a sweep, each short.
"$fs" run strategic-bidding-deterministic --episodes 40 --replicates 3 --trades --quiet --out "$work/run" > /dev/null
"$fs" curve balanced --ratios 0.5,1,2 --replicates 2 --episodes 20 --quiet --out "$work/curve" > /dev/null
"$fs" sweep docs/sweeps/classroom-strategies.yaml --set training.episodes=20 --quiet --out "$work/sweep" > /dev/null

# chromium runs as root in CI containers: --no-sandbox. A copy of each page
# gets a script that reports, into the DOM, every image that did not decode
# and every script error; --dump-dom prints the DOM after the page loaded.
probe='<script>
window.addEventListener("error", function (e) { (window.probeErrors = window.probeErrors || []).push(String(e.message)); }, true);
window.addEventListener("load", function () {
  var imgs = document.images, bad = [];
  for (var i = 0; i < imgs.length; i++) { if (!imgs[i].complete || imgs[i].naturalWidth === 0) bad.push(imgs[i].alt); }
  var d = document.createElement("div");
  d.id = "probe";
  d.textContent = "PROBE images=" + imgs.length + " undecoded=" + bad.length + " [" + bad.join("; ") + "] errors=" + (window.probeErrors || []).length;
  document.body.appendChild(d);
});
</script>'
chrome() {
  chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@"
}

status=0
for kind in run curve sweep; do
  page="$work/$kind/report.html"
  test -s "$page" || { echo "FAIL: $kind: no report.html"; status=1; continue; }
  want=$(grep -o '<img ' "$page" | wc -l)
  probed="$work/$kind/probe.html"
  # the probe goes first in <head>, so it sees every error of the page
  awk -v probe="$probe" '{print} /<head>/ {print probe}' "$page" > "$probed"
  # Virtual time runs only while the page is idle, but a loaded machine can
  # still end the budget before the load event: then once more, with more.
  for budget in 15000 120000; do
    chrome --virtual-time-budget=$budget --dump-dom "file://$probed" > "$work/$kind.dom" 2> "$work/$kind.log" || true
    line=$(grep -o 'PROBE images=[0-9]* undecoded=[0-9]* \[[^]]*\] errors=[0-9]*' "$work/$kind.dom" || true)
    [ -n "$line" ] && break
    echo "$kind: no probe result within a virtual-time budget of $budget ms"
  done
  console=$(grep -E 'CONSOLE|Uncaught|ERROR:.*(console|javascript)' "$work/$kind.log" | grep -v -E 'dbus|Fontconfig|sandbox|gpu|GPU|viz' || true)
  echo "$kind: $want figures embedded; $line"
  if [ -z "$line" ]; then
    echo "FAIL: $kind: the page did not load (no probe result); chromium said:"; tail -20 "$work/$kind.log"; status=1
  elif ! echo "$line" | grep -q "images=$want undecoded=0 \[\] errors=0"; then
    echo "FAIL: $kind: $line"; status=1
  fi
  if [ "$want" -eq 0 ]; then
    echo "FAIL: $kind: the report embeds no figure"; status=1
  fi
  if [ -n "$console" ]; then
    echo "FAIL: $kind: console messages:"; echo "$console"; status=1
  fi
  chrome --screenshot="$artifacts/report-$kind.png" --window-size=1280,2400 --hide-scrollbars "file://$page" \
    > /dev/null 2>> "$work/$kind.log" || true
  test -s "$artifacts/report-$kind.png" || { echo "FAIL: $kind: no screenshot"; status=1; }
done
[ "$status" -eq 0 ] && echo "report.html renders without errors for a run, a curve and a sweep"
echo "screenshots: $artifacts/report-run.png $artifacts/report-curve.png $artifacts/report-sweep.png"
exit "$status"
