"""Run the library's model SQL in DuckDB over the same canonical Parquet that
xuncha reads (a `xuncha data lake` folder), timing the load and every model.

    python3 bench/peer_duckdb.py LAKE_DIR SQL_DIR [--json OUT.json]
        [--only IDS.txt --repeat N]

SQL_DIR is written by `xuncha models sql SQL_DIR --as-of DATE`: one file per
model with its parameters substituted, and views.sql with the shared views.
Statistical models run only their SQL (the analyzer's input rows).
With --only, only the models listed in the file (one id a line) run, each
N times, and every run's time is kept (`runs_ms`).
"""

import argparse
import json
import pathlib
import time

import duckdb


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lake")
    ap.add_argument("sql")
    ap.add_argument("--json")
    ap.add_argument("--only")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    only = set(pathlib.Path(args.only).read_text().split()) if args.only else None
    lake = pathlib.Path(args.lake)
    sql_dir = pathlib.Path(args.sql)

    con = duckdb.connect()
    started = time.perf_counter()
    for path in sorted(lake.glob("*.parquet")):
        con.execute(
            f"CREATE TABLE {path.stem} AS SELECT * FROM read_parquet('{path}')"
        )
    con.execute((sql_dir / "views.sql").read_text())
    load_s = time.perf_counter() - started

    models = {}
    for path in sorted(sql_dir.glob("*.sql")):
        if path.name == "views.sql" or (only is not None and path.stem not in only):
            continue
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            rows = len(con.execute(path.read_text()).fetchall())
            runs.append((time.perf_counter() - t) * 1000)
        models[path.stem] = {"rows": rows, "ms": runs[0], "runs_ms": runs}
    sql_s = sum(m["ms"] for m in models.values()) / 1000
    result = {"load_s": load_s, "sql_s": sql_s, "total_s": load_s + sql_s, "models": models}
    print(f"duckdb    load {load_s:.2f} s, SQL {sql_s:.2f} s, total {load_s + sql_s:.2f} s")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
