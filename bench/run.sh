#!/usr/bin/env bash
# Runs every scenario side by side and summarises them with benchstat.
#   bench/run.sh [count]   (default 5; results in bench/out.txt)
# Extra `go test` flags can follow the count, e.g. `bench/run.sh 1 -args -idle.streams=2000`.
set -euo pipefail
cd "$(dirname "$0")"
count=${1:-5}
shift || true
{
	echo "# $(date -u +%FT%TZ) $(go version) $(nproc) CPUs, $(uname -sr), ulimit -n $(ulimit -n)"
	echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
	go test -run '^$' -bench . -benchmem -count "$count" "$@"
} | tee out.txt
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da out.txt
