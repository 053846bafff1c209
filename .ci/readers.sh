#!/usr/bin/env bash
# Reads every kind of table freightsim writes back with independent readers,
# DuckDB (npm @duckdb/node-api), pandas (Debian's python3-pandas) and polars
# (npm nodejs-polars), and checks that they read the same, value for value
# and type for type:
#
#   - a run's tables (evaluations, episodes, trades), CSV and Parquet;
#   - a grid sweep's tables (runs, aggregate, points), with an axis of whole
#     numbers, a number axis of whole values and a text axis;
#   - a Sobol' sweep's sensitivity table;
#   - a network run's tables (evaluations with the network's columns,
#     episodes, trades, lanes, corridors), whose counts (trips, jobs,
#     volume) are integers.
#
# For each table: the row count, the column names, each column's type in
# DuckDB from the CSV (read_csv, types guessed from the text) and from the
# Parquet file (the same, and the one freightsim means: BIGINT for keys,
# counts and seeds, DOUBLE for numbers, VARCHAR for text), the CSV and the
# Parquet file holding the same rows, and pandas reading the CSV with the
# same types and the same values as DuckDB reads from the Parquet file.
# A column empty in every row has no type in a CSV file: DuckDB reads it as
# VARCHAR, pandas as float64 (all NaN); the script checks that it is null in
# every row of both files and typed in the Parquet file. Seeds: a seed read
# from points.csv by pandas (a signed int64) reruns its point with
# freightsim run --seed, replicate for replicate as runs.csv has it.
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
(cd "$work" && npm init -y > /dev/null && npm install --no-audit --no-fund --loglevel=error @duckdb/node-api@1.5.6-r.1 \
  nodejs-polars@0.26.1 nodejs-polars-linux-x64-gnu@0.26.1 > /dev/null)
echo "node $(node --version), @duckdb/node-api $(node -p "require('$work/node_modules/@duckdb/node-api/package.json').version")"

# The checks' bookkeeping, shared by the scripts below: check() prints ok or
# FAIL for each, done() the counts, and exits 1 if any failed.
cat > "$work/check.mjs" <<'EOF'
let passed = 0, failed = 0;
export const check = (what, ok, detail) => {
  if (ok) { passed++; console.log(`ok   ${what}`); }
  else { failed++; console.log(`FAIL ${what}: ${detail}`); }
};
export const done = name => { console.log(`${name}: ${passed} passed, ${failed} failed`); process.exit(failed ? 1 : 0); };
EOF
cat > "$work/check.py" <<'EOF'
import sys
passed = failed = 0
def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1; print("ok  ", what)
    else:
        failed += 1; print("FAIL", what + ":", detail)
def done(name):
    print(f"{name}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
EOF

step "a small run, CSV and Parquet, with trades"
go build -o "$work/freightsim" ./cmd/freightsim
run="$work/run"
# evaluation.every=1000: two evaluation points per replicate (after 0 and 200), which the row counts below assume
"$work/freightsim" run smart-containers-2020 --episodes 200 --set evaluation.every=1000 --replicates 3 --trades --format both --out "$run" --quiet > /dev/null
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
import { check, done } from './check.mjs';
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
  const counts = t === 'trades' ? ['volume'] : []; // a job's volume: whole units
  const names = (await rows(`describe select * from ${pq(t)}`)).map(r => r.column_name);
  check(`${t}.parquet: keys BIGINT, values DOUBLE` + (counts.length ? `, counts (${counts}) BIGINT` : ''),
    types.slice(0, k).every(x => x === 'BIGINT') && types.slice(k).every((x, i) => x === (counts.includes(names[k + i]) ? 'BIGINT' : 'DOUBLE')), types.join(','));
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

done('duckdb');
EOF
(cd "$work" && node duck.mjs "$run")

step "pandas reads the CSV tables"
PYTHONPATH="$work" /usr/bin/python3 - "$run" <<'EOF'
import json, math, sys
import pandas as pd

d = sys.argv[1]
summary = json.load(open(f"{d}/summary.json"))
manifest = json.load(open(f"{d}/manifest.json"))
reps, last = manifest["replicates"], summary["episode"]
from check import check, done

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
done("pandas")
EOF

step "a grid sweep, a Sobol' sweep and a network run, CSV and Parquet"
"$work/freightsim" sweep testdata/sweeps/readers.yaml --out "$work/sweep" --format both --quiet > /dev/null
"$work/freightsim" sweep testdata/sweeps/readers-sobol.yaml --out "$work/sobol" --format both --quiet > /dev/null
"$work/freightsim" run network --episodes 100 --replicates 2 --trades --format both --out "$work/net" --quiet > /dev/null
ls "$work/sweep" "$work/sobol" "$work/net"
tables=(run/evaluations run/episodes run/trades sweep/runs sweep/aggregate sweep/points sobol/runs sobol/aggregate sobol/sensitivity
  net/evaluations net/episodes net/trades net/lanes net/corridors)

step "DuckDB: every table's types and values, the CSV against the Parquet file"
cat > "$work/tables.mjs" <<'EOF'
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [dir, ...tables] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const rows = async sql => (await c.runAndReadAll(sql)).getRowObjectsJS();
import { check, done } from './check.mjs';
// The type freightsim means for each column: keys, counts and seeds are
// whole numbers (a network's hubs and its counts of trips, jobs and volume
// too); status, error, the names of the sensitivity table and the text
// axis (tie) are text; every other column is a number.
const ints = new Set(['point', 'replicate', 'episode', 'evaluation_episode', 'epoch', 'job', 'carrier', 'seed',
  'replicates_ok', 'replicates_failed', 'n', 'capacity', 'from', 'to', 'head_from', 'head_to',
  'loaded_trips', 'empty_trips', 'jobs', 'volume', 'head_volume', 'back_volume']);
const texts = new Set(['status', 'error', 'metric', 'factor', 'index', 'tie']);
const want = name => ints.has(name) || name.endsWith('_n') ? 'BIGINT' : texts.has(name) ? 'VARCHAR' : 'DOUBLE';
const q = n => '"' + n.replaceAll('"', '""') + '"';

for (const t of tables) {
  const csv = `read_csv_auto('${dir}/${t}.csv')`, pq = `read_parquet('${dir}/${t}.parquet')`;
  const ct = await rows(`describe select * from ${csv}`), pt = await rows(`describe select * from ${pq}`);
  const names = pt.map(r => r.column_name);
  check(`${t}: the CSV and the Parquet file have the same ${names.length} columns`,
    JSON.stringify(ct.map(r => r.column_name)) === JSON.stringify(names), `${ct.map(r => r.column_name)} vs ${names}`);
  const [{ nc }] = await rows(`select count(*) as nc from ${csv}`), [{ np }] = await rows(`select count(*) as np from ${pq}`);
  check(`${t}: ${np} rows in both`, Number(nc) === Number(np) && Number(np) > 0, `${nc} in the CSV, ${np} in the Parquet file`);
  const bad = [], empty = [];
  for (const [i, r] of pt.entries()) {
    const name = r.column_name;
    const [{ vp }] = await rows(`select count(${q(name)}) as vp from ${pq}`);
    const [{ vc }] = await rows(`select count(${q(name)}) as vc from ${csv}`);
    if (Number(vp) !== Number(vc)) bad.push(`${name}: ${vc} values in the CSV, ${vp} in the Parquet file`);
    if (r.column_type !== want(name)) bad.push(`${name}: ${r.column_type} in the Parquet file, want ${want(name)}`);
    if (Number(vp) === 0) { empty.push(name); continue; } // no type in a CSV file
    if (ct[i].column_type !== r.column_type) bad.push(`${name}: ${ct[i].column_type} from the CSV, ${r.column_type} from the Parquet file`);
  }
  check(`${t}: each column of the type freightsim means, the same from the CSV and the Parquet file` +
    (empty.length ? ` (empty in every row of both, typed in the Parquet file: ${empty.join(', ')})` : ''), bad.length === 0, bad.join('; '));
  // Values: the CSV's columns read as the Parquet file types them (an empty
  // column is VARCHAR to read_csv_auto), then compared row for row.
  const sel = pt.map(r => `cast(${q(r.column_name)} as ${r.column_type}) as ${q(r.column_name)}`).join(', ');
  const [{ d1 }] = await rows(`select count(*) as d1 from (select ${sel} from ${csv} except all select * from ${pq})`);
  const [{ d2 }] = await rows(`select count(*) as d2 from (select * from ${pq} except all select ${sel} from ${csv})`);
  check(`${t}: the CSV and the Parquet file hold the same rows, value for value`, Number(d1) === 0 && Number(d2) === 0, `${d1} and ${d2} rows differ`);
  // What DuckDB read from the Parquet file, for pandas to compare with.
  const all = await rows(`select * from ${pq}`);
  writeFileSync(`${dir}/${t.replace('/', '_')}.duckdb.json`, JSON.stringify({
    columns: pt.map(r => [r.column_name, r.column_type]),
    rows: all.map(row => names.map(n => typeof row[n] === 'bigint' ? row[n].toString() : row[n])),
  }));
}
for (const t of ['sweep/points', 'sweep/runs']) {
  const [{ neg, n }] = await rows(`select count(*) filter (where seed < 0) as neg, count(*) as n from read_csv_auto('${dir}/${t}.csv')`);
  check(`${t}.csv: seeds read as BIGINT, ${neg} of ${n} negative (seeds at or above 2^63, written as the int64 of the same bits)`, Number(neg) > 0, 'no seed above 2^63 to check');
}
done('duckdb');
EOF
(cd "$work" && node tables.mjs "$work" "${tables[@]}")

step "pandas: every CSV table, types and values as DuckDB reads the Parquet file"
PYTHONPATH="$work" /usr/bin/python3 - "$work" "${tables[@]}" <<'EOF'
import json, math, sys
import pandas as pd

d, tables = sys.argv[1], sys.argv[2:]
from check import check, done

def nan(x):
    return isinstance(x, float) and math.isnan(x)

# pandas's default float parser is not exact: it can read a decimal a few
# units in the last place off (0.31066987565182513 as 0.3106698756518251),
# a relative error of up to 3e-14 in these tables. So the values are checked
# as pandas reads them with float_precision="round_trip", exactly, and the
# default parser's largest error is printed.
dtype = {"BIGINT": "int64", "DOUBLE": "float64", "VARCHAR": "object"}
for t in tables:
    ref = json.load(open(f"{d}/{t.replace('/', '_')}.duckdb.json"))
    df = pd.read_csv(f"{d}/{t}.csv")
    exact = pd.read_csv(f"{d}/{t}.csv", float_precision="round_trip")
    cols = [c for c, _ in ref["columns"]]
    check(f"{t}.csv: {len(df)} rows, columns as DuckDB reads them", list(df.columns) == cols and len(df) == len(ref["rows"]),
          f"{list(df.columns)}, {len(df)} rows")
    bad, empty, ulp = [], [], 0
    for j, (c, typ) in enumerate(ref["columns"]):
        want = [r[j] for r in ref["rows"]]
        got = exact[c].tolist()
        if all(v is None for v in want):
            empty.append(c)
            if not df[c].isna().all():
                bad.append(f"{c}: empty in the Parquet file, not in the CSV")
            continue
        if str(df[c].dtype) != dtype[typ]:
            bad.append(f"{c}: {df[c].dtype}, want {dtype[typ]} (DuckDB: {typ})")
            continue
        if typ == "BIGINT":
            same = got == [int(v) for v in want]
        elif typ == "DOUBLE":
            same = all(nan(a) and b is None or a == b for a, b in zip(got, want))
            off = [abs(a - b) / abs(b) for a, b in zip(df[c].tolist(), want) if b]
            ulp = max([ulp] + off)
        else:
            same = all(nan(a) and b is None or a == b for a, b in zip(got, want))
        if not same:
            k = next(i for i, (a, b) in enumerate(zip(got, want)) if not (nan(a) and b is None or a == b or typ == "BIGINT" and a == int(b)))
            bad.append(f"{c}: row {k} is {got[k]!r} to pandas, {want[k]!r} to DuckDB")
    check(f"{t}.csv: every column of the type and values DuckDB reads from the Parquet file" +
          (f" (empty in every row, float64 NaN to pandas: {', '.join(empty)})" if empty else ""), not bad, "; ".join(bad))
    print(f"     ({t}.csv: pandas's default float parser, without float_precision=\"round_trip\", is off by a relative {ulp:.2g} at most)")
done("pandas")
EOF

step "polars (nodejs-polars): every table, the CSV against the Parquet file"
cat > "$work/polars.mjs" <<'EOF'
import pl from 'nodejs-polars';
import { check, done } from './check.mjs';

const [dir, ...tables] = process.argv.slice(2);
for (const t of tables) {
  const c = pl.readCSV(`${dir}/${t}.csv`), p = pl.readParquet(`${dir}/${t}.parquet`);
  // A column empty in every row has no type in a CSV file: polars reads it
  // as String; it is compared as the Parquet file types it.
  const empty = p.columns.filter(n => p.getColumn(n).nullCount() === p.height);
  const bad = p.columns.filter(n => !empty.includes(n) && String(c.getColumn(n).dtype) !== String(p.getColumn(n).dtype))
    .map(n => `${n}: ${c.getColumn(n).dtype} from the CSV, ${p.getColumn(n).dtype} from the Parquet file`);
  check(`${t}: ${p.width} columns of the same types from the CSV and the Parquet file` + (empty.length ? ` (empty: ${empty.join(', ')})` : ''),
    JSON.stringify(c.columns) === JSON.stringify(p.columns) && bad.length === 0, bad.join('; ') || `${c.columns} vs ${p.columns}`);
  const cc = c.withColumns(...empty.map(n => pl.col(n).cast(p.getColumn(n).dtype)));
  check(`${t}: the CSV and the Parquet file hold the same ${p.height} rows, value for value`, cc.frameEqual(p, true), 'the frames differ');
}
done('polars');
EOF
(cd "$work" && node polars.mjs "$work" "${tables[@]}")

step "a seed read from a table reruns its run"
# The point with the smallest seed in points.csv, as pandas reads it: a
# negative int64 when the seed is at or above 2^63.
read -r point seed < <(/usr/bin/python3 -c '
import pandas as pd, sys
p = pd.read_csv(sys.argv[1] + "/points.csv")
i = p.seed.idxmin()
print(int(p.point[i]), int(p.seed[i]))' "$work/sweep")
echo "point $point: seed $seed in points.csv"
"$work/freightsim" sweep testdata/sweeps/readers.yaml --scenario "$point" > "$work/point.yaml"
"$work/freightsim" run "$work/point.yaml" --seed "$seed" --out "$work/rerun" --quiet > /dev/null
PYTHONPATH="$work" /usr/bin/python3 - "$work" "$point" "$seed" <<'EOF'
import json, math, sys
import pandas as pd

d, point, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
from check import check, done

as_int64 = lambda u: u - (1 << 64) if u >= 1 << 63 else u
yaml_seed = int(next(l for l in open(f"{d}/point.yaml") if l.startswith("seed:")).split()[1])
check(f"points.csv's seed {seed} is the point scenario's seed {yaml_seed} (uint64), as a signed int64", as_int64(yaml_seed) == seed)
m = json.load(open(f"{d}/rerun/manifest.json"))
check(f"freightsim run --seed {seed} ran with seed {m['seed']}", m["seed"] == yaml_seed, m["seed"])
runs = pd.read_csv(f"{d}/sweep/runs.csv")
runs = runs[runs.point == point].sort_values("replicate")
ev = pd.read_csv(f"{d}/rerun/evaluations.csv")
final = ev[ev.episode == ev.episode.max()].sort_values("replicate")
check(f"the rerun has runs.csv's {len(runs)} replicates of point {point}", final.replicate.tolist() == runs.replicate.tolist(), final.replicate.tolist())
seeds = [as_int64(int(s)) for s in m["replicate_seeds"]]
check("runs.csv's seeds are the rerun's replicate seeds (manifest.json), as signed int64", runs.seed.tolist() == seeds, f"{runs.seed.tolist()} vs {seeds}")
metrics = [c for c in final.columns if c in runs.columns and c not in ("replicate", "episode")]
diff = [(c, r) for c in metrics for r, (a, b) in enumerate(zip(runs[c].tolist(), final[c].tolist()))
        if not (a == b or math.isnan(a) and math.isnan(b))]
check(f"runs.csv's {len(metrics)} metrics of point {point} are the rerun's final evaluation, value for value", not diff, diff[:5])
done("seeds")
EOF

step "readers: ok ($(( $(date +%s) - start )) s)"
