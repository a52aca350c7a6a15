#!/usr/bin/env bash
# A local Spark Connect server for `xuncha run --engine spark` and its tests.
#
#   scripts/spark-server.sh start [PORT]   # prints sc://localhost:PORT when it answers
#   scripts/spark-server.sh stop  [PORT]
#
# Installs what it needs on first use: a JDK (Debian's openjdk-17, if no
# `java`) and pyspark from PyPI into ~/.cache/xuncha-spark/venv; pyspark
# ships the Spark Connect server jar and sbin/start-connect-server.sh.
set -euo pipefail
action=${1:?usage: spark-server.sh start|stop [PORT]}
port=${2:-15002}
version=${XUNCHA_PYSPARK_VERSION:-4.3.0}
cache="${XUNCHA_SPARK_CACHE:-$HOME/.cache/xuncha-spark}"
venv="$cache/venv"
if ! command -v java >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
if ! "$venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$version')" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "pyspark==$version" >&2
fi
export SPARK_HOME
SPARK_HOME=$("$venv/bin/python" -c "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
# One pid and log folder per port, so two servers (or a session's and CI's) do not collide.
export SPARK_PID_DIR="$cache/run-$port" SPARK_LOG_DIR="$cache/logs-$port" SPARK_IDENT_STRING="xuncha-$port"
mkdir -p "$SPARK_PID_DIR" "$SPARK_LOG_DIR"
case "$action" in
start)
    "$SPARK_HOME/sbin/start-connect-server.sh" --master "local[*]" \
        --conf "spark.connect.grpc.binding.port=$port" \
        --conf "spark.sql.warehouse.dir=$cache/warehouse-$port" \
        --conf spark.ui.enabled=false >&2
    for _ in $(seq 1 180); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "sc://localhost:$port"
            exit 0
        fi
        sleep 1
    done
    echo "Spark Connect server did not answer on port $port; log:" >&2
    tail -n 40 "$SPARK_LOG_DIR"/*.out >&2 || true
    exit 1
    ;;
stop)
    "$SPARK_HOME/sbin/stop-connect-server.sh" >&2 || true
    ;;
*)
    echo "usage: spark-server.sh start|stop [PORT]" >&2
    exit 2
    ;;
esac
