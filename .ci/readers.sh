#!/usr/bin/env bash
# Reads the CSV and Parquet files of a small freightsim run back with two
# independent readers, DuckDB (npm @duckdb/node-api) and pandas (Debian's
# python3-pandas), and checks row counts, column names, column types, missing
# values and a few values against what freightsim wrote (summary.json,
# manifest.json) and against each other.
#
# It installs what it needs itself (apt-get, npm into a scratch folder) and is
# safe to run as root on a fresh machine. Usage: bash .ci/readers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
step() { printf '\n=== %s\n' "$*"; }
start=$(date +%s)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "install the readers"
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  pkgs=(python3-pandas)
  command -v node >/dev/null || pkgs+=(nodejs)
  command -v npm >/dev/null || pkgs+=(npm)
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" > /dev/null
fi
/usr/bin/python3 -c 'import pandas; print("pandas", pandas.__version__)'
(cd "$work" && npm init -y > /dev/null && npm install --no-audit --no-fund --loglevel=error @duckdb/node-api@1.5.6-r.1 > /dev/null)
echo "node $(node --version), @duckdb/node-api $(node -p "require('$work/node_modules/@duckdb/node-api/package.json').version")"

step "a small run, CSV and Parquet, with trades"
go build -o "$work/freightsim" ./cmd/freightsim
run="$work/run"
"$work/freightsim" run smart-containers-2020 --episodes 200 --replicates 3 --trades --format both --out "$run" --quiet > /dev/null
ls -l "$run"

step "DuckDB reads the CSV and Parquet tables"
cat > "$work/duck.mjs" <<'EOF'
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const dir = process.argv[2];
const summary = JSON.parse(readFileSync(`${dir}/summary.json`, 'utf8'));
const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
const reps = manifest.replicates, last = summary.episode;
const header = t => readFileSync(`${dir}/${t}.csv`, 'utf8').split('\n')[0].split(',');
const lines = t => readFileSync(`${dir}/${t}.csv`, 'utf8').trimEnd().split('\n').length - 1;

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const rows = async sql => (await c.runAndReadAll(sql)).getRowObjectsJS();
let passed = 0, failed = 0;
const check = (what, ok, detail) => {
  if (ok) { passed++; console.log(`ok   ${what}`); }
  else { failed++; console.log(`FAIL ${what}: ${detail}`); }
};
const csv = t => `read_csv('${dir}/${t}.csv', header = true)`;
const pq = t => `read_parquet('${dir}/${t}.parquet')`;
const keys = { evaluations: 2, episodes: 2, trades: 6 };
const want = { evaluations: reps * (Math.floor(last / 1000) + 1 + (last % 1000 ? 1 : 0)), episodes: reps * (last + 1), trades: lines('trades') };

for (const t of ['evaluations', 'episodes', 'trades']) {
  for (const [fmt, src] of [['csv', csv(t)], ['parquet', pq(t)]]) {
    const [{ n }] = await rows(`select count(*) as n from ${src}`);
    check(`${t}.${fmt}: ${n} rows`, Number(n) === want[t], `want ${want[t]}`);
    const cols = (await rows(`describe select * from ${src}`)).map(r => r.column_name);
    check(`${t}.${fmt}: ${cols.length} columns, named as in ${t}.csv's header`, JSON.stringify(cols) === JSON.stringify(header(t)), `${cols} vs ${header(t)}`);
  }
  const types = (await rows(`describe select * from ${pq(t)}`)).map(r => r.column_type);
  const k = keys[t];
  check(`${t}.parquet: keys BIGINT, values DOUBLE`,
    types.slice(0, k).every(x => x === 'BIGINT') && types.slice(k).every(x => x === 'DOUBLE'), types.join(','));
  const [{ d1 }] = await rows(`select count(*) as d1 from (select * from ${csv(t)} except all select * from ${pq(t)})`);
  const [{ d2 }] = await rows(`select count(*) as d2 from (select * from ${pq(t)} except all select * from ${csv(t)})`);
  check(`${t}: the CSV and Parquet files hold the same rows, value for value`, Number(d1) === 0 && Number(d2) === 0, `${d1} and ${d2} rows differ`);
}

for (const [fmt, src] of [['csv', csv('evaluations')], ['parquet', pq('evaluations')]]) {
  for (const m of ['avg_bidding_cost', 'ship_share', 'utilization']) {
    const [{ mean, n }] = await rows(`select avg(${m}) as mean, count(${m}) as n from ${src} where episode = ${last}`);
    const s = summary.metrics[m];
    check(`evaluations.${fmt}: mean ${m} at episode ${last} = ${mean.toFixed(6)}, as summary.json says`,
      Math.abs(mean - s.mean) <= 1e-12 * Math.max(1, Math.abs(s.mean)) && Number(n) === s.n, `summary.json: ${s.mean} over n = ${s.n}`);
  }
  // No carrier learns here: its sigma is undefined, NaN in freightsim, missing to a reader.
  const [{ nulls, n }] = await rows(`select count(*) filter (where sigma_carrier is null) as nulls, count(*) as n from ${src}`);
  check(`evaluations.${fmt}: sigma_carrier is missing (NaN) in every row`, Number(nulls) === Number(n), `${nulls} of ${n} null`);
}
const [{ ok }] = await rows(`select bool_and(pay = bid and receive = bid and bid > cost) as ok from ${pq('trades')}`);
check('trades.parquet: pay-as-bid, every trade above cost (P2\'s market)', ok === true, 'a trade breaks the market rules');
const [{ r }] = await rows(`select list(distinct replicate order by replicate) as r from ${pq('episodes')}`);
check(`episodes.parquet: replicates ${JSON.stringify(r.map(Number))} as in manifest.json`, JSON.stringify(r.map(Number)) === JSON.stringify(manifest.completed_replicates), JSON.stringify(manifest.completed_replicates));

console.log(`duckdb: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
EOF
(cd "$work" && node duck.mjs "$run")

step "pandas reads the CSV tables"
/usr/bin/python3 - "$run" <<'EOF'
import json, math, sys
import pandas as pd

d = sys.argv[1]
summary = json.load(open(f"{d}/summary.json"))
manifest = json.load(open(f"{d}/manifest.json"))
reps, last = manifest["replicates"], summary["episode"]
passed = failed = 0
def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1; print("ok  ", what)
    else:
        failed += 1; print("FAIL", what + ":", detail)

for t, n in [("evaluations", reps * 2), ("episodes", reps * (last + 1)), ("trades", None)]:
    df = pd.read_csv(f"{d}/{t}.csv")
    header = open(f"{d}/{t}.csv").readline().strip().split(",")
    if n is None:
        n = sum(1 for _ in open(f"{d}/{t}.csv")) - 1
    check(f"{t}.csv: {len(df)} rows", len(df) == n, f"want {n}")
    check(f"{t}.csv: columns as in its header", list(df.columns) == header, f"{list(df.columns)}")
    check(f"{t}.csv: replicate and episode read as integers", str(df["replicate"].dtype) == "int64" and str(df["episode"].dtype) == "int64", str(df.dtypes[:2].tolist()))

ev = pd.read_csv(f"{d}/evaluations.csv")
final = ev[ev.episode == last]
for m in ["avg_bidding_cost", "cost_per_job", "mean_winning_bid"]:
    s = summary["metrics"][m]
    got = final[m].mean()
    check(f"evaluations.csv: mean {m} at episode {last} = {got:.6f}, as summary.json says",
          math.isclose(got, s["mean"], rel_tol=1e-12) and final[m].count() == s["n"], f"summary.json {s['mean']} over {s['n']}")
    sd = final[m].std(ddof=1)
    check(f"evaluations.csv: sd of {m} = {sd:.6f}, as summary.json says", math.isclose(sd, s["sd"], rel_tol=1e-9), f"summary.json {s['sd']}")
check("evaluations.csv: sigma_carrier is missing (NaN) in every row", ev["sigma_carrier"].isna().all(), str(ev["sigma_carrier"].head()))
check(f"evaluations.csv: replicates {sorted(ev.replicate.unique().tolist())} as in manifest.json",
      sorted(ev.replicate.unique().tolist()) == manifest["completed_replicates"])
print(f"pandas: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF

step "readers: ok ($(( $(date +%s) - start )) s)"
