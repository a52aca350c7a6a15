#!/usr/bin/env bash
# xuncha against DuckDB on the same county, the same model SQL and the same
# machine, in one run: ratios, not absolute times, mean something on shared
# machines. Usage: bench/compare.sh [SCALE] [FORMAT] [models]
# (defaults: 1 parquet; `models` also times every model on its own)
#
#   1. builds the release binary (its own target folder, reused between runs);
#   2. generates the synthetic county (`xuncha synth --format FORMAT`);
#   3. reads it once into a canonical lake (`xuncha data lake`): both engines
#      then read the same Parquet, with the same derived columns;
#   4. times `xuncha run` over the lake (read + all models + write findings);
#   5. times DuckDB loading the lake and running every model's SQL
#      (`xuncha models sql`, parameters substituted, shared views created);
#   6. prints both and the ratio; with `models`, times each model alone
#      (`xuncha run --select`: in a batch the queries are collected together,
#      so a model's batch time is not its query's), runs those over 1.3× twice
#      more on both engines, and lists those whose median is > 1.5× DuckDB's
#      on the same SQL.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-1}
format=${2:-parquet}
per_model=${3:-}
export CARGO_TARGET_DIR="${XUNCHA_BENCH_TARGET:-$HOME/.cache/xuncha-release}"
# Cargo reads .cargo/config.toml from the working folder, not the manifest's.
export PROTOC="${PROTOC:-$root/scripts/protoc}"
cargo build --release --locked -p xuncha-cli --manifest-path "$root/Cargo.toml" >&2
x="$CARGO_TARGET_DIR/release/xuncha"
python3 -c "import duckdb" 2>/dev/null || python3 -m pip install --quiet duckdb >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$x" synth --scale "$scale" --seed 11 --format "$format" --out "$work/county" >/dev/null
"$x" data lake "$work/county" --out "$work/lake" >/dev/null
"$x" models sql "$work/sql" --as-of 2024-12-31 >/dev/null
# The county and the lake were just written: flush them to disk first, or the
# write-back competes with whichever engine is timed first (xuncha ran up to
# 25 % slower while the disk was busy).
sync
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/xuncha.rss" \
    "$x" run --data "$work/lake" --out "$work/out" --as-of 2024-12-31 --json >"$work/summary.json" || true
end=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/duckdb.rss" \
    python3 "$root/bench/peer_duckdb.py" "$work/lake" "$work/sql" --json "$work/duckdb.json"
alone() { # model ids on stdin; one JSON line per run of a model alone
    while read -r model; do
        "$x" run --data "$work/lake" --out "$work/one" --as-of 2024-12-31 --select "$model" --json \
            | python3 -c "import json,sys; m=json.load(sys.stdin)['models'][0]; print(json.dumps(m))"
    done
}
if [ "$per_model" = models ]; then
    python3 -c "import json,sys; [print(m['model_id']) for m in json.load(open(sys.argv[1]))['models']]" \
        "$work/summary.json" | alone >"$work/alone.jsonl"
    # One run each is noisy near the line: the models over 1.3x run twice
    # more on both engines, and the medians decide.
    python3 - "$work" >"$work/near.txt" <<'PY'
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
duck = json.loads((work / "duckdb.json").read_text())["models"]
for m in map(json.loads, (work / "alone.jsonl").read_text().splitlines()):
    d = duck.get(m["model_id"])
    if d and m["elapsed_ms"] > 1.3 * d["ms"]:
        print(m["model_id"])
PY
    if [ -s "$work/near.txt" ]; then
        cat "$work/near.txt" "$work/near.txt" | alone >>"$work/alone.jsonl"
        python3 "$root/bench/peer_duckdb.py" "$work/lake" "$work/sql" --only "$work/near.txt" \
            --repeat 3 --json "$work/duckdb-near.json" >/dev/null
    fi
fi
python3 - "$work" "$start" "$end" <<'PY'
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
xuncha_s = float(sys.argv[3]) - float(sys.argv[2])
summary = json.loads((work / "summary.json").read_text())
duck = json.loads((work / "duckdb.json").read_text())
rss = lambda name: int((work / f"{name}.rss").read_text().split()[-1]) / 1024
print(f"xuncha    total {xuncha_s:.2f} s (read + {len(summary['models'])} models + write), peak {rss('xuncha'):.0f} MB")
held = summary.get("data_bytes", 0) / 2**20
if held:
    print(f"          the loaded datasets hold {held:.0f} MB: peak = {rss('xuncha') / held:.2f}x the data")
print(f"duckdb    total {duck['total_s']:.2f} s (load {duck['load_s']:.2f} + SQL {duck['sql_s']:.2f}), peak {rss('duckdb'):.0f} MB")
print(f"ratio     xuncha / duckdb = {xuncha_s / duck['total_s']:.2f}")
alone = work / "alone.jsonl"
xuncha_runs = {}
for m in (json.loads(l) for l in alone.read_text().splitlines()) if alone.exists() else []:
    xuncha_runs.setdefault(m["model_id"], []).append(m["elapsed_ms"])
duck_runs = {k: [d["ms"]] for k, d in duck["models"].items()}
near = work / "duckdb-near.json"
if near.exists():
    duck_runs.update({k: d["runs_ms"] for k, d in json.loads(near.read_text())["models"].items()})
median = lambda runs: sorted(runs)[len(runs) // 2]
slow = []
for model, runs in xuncha_runs.items():
    if model in duck_runs and median(runs) > 1.5 * median(duck_runs[model]):
        slow.append((model, median(runs), median(duck_runs[model])))
# Every model over 1.5x is listed; those under 100 ms apart, since a few
# milliseconds of noise move them across the line.
for model, ours, theirs in sorted(slow, key=lambda s: -s[1]):
    label = "slower" if ours >= 100 else "short "
    print(f"  {label}  {model:<38} xuncha {ours:>7.0f} ms  duckdb {theirs:>7.0f} ms")
PY
