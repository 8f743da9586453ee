#!/usr/bin/env bash
# Runs every scenario side by side and summarises them with benchstat.
#   bench/run.sh [count] [go test flags...]   (count defaults to 10)
# The raw results go to bench/out.txt, e.g. `bench/run.sh 1 -bench Idle -args -idle.streams=2000`.
set -euo pipefail
cd "$(dirname "$0")"
count=${1:-10}
shift || true
commit=${SSEGEN_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -n "$(git status --porcelain -- ../runtime . 2>/dev/null)" ]; then commit="$commit+uncommitted changes"; fi
{
	echo "# ssegen $commit; $(go version); $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-); $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"
	go test -run '^$' -bench . -benchmem -count "$count" "$@"
	echo "# load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
} | tee out.txt
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da out.txt
