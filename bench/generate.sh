#!/usr/bin/env bash
# Times `ssegen generate` against oapi-codegen on large corpus documents
# (BenchmarkGenerate) and summarises the rounds with benchstat.
#   bench/generate.sh [rounds] [test binary flags...]   (rounds defaults to 8)
# Each round is one process that runs every tool on every document once, so the
# tools alternate; the raw results go to bench/out-generate.txt, with the error
# output of a peer that fails on a document (-test.v shows it).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-8}
shift || true
commit=${SSEGEN_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -n "$(git status --porcelain -- ../generator ../cmd . 2>/dev/null)" ]; then commit="$commit+uncommitted changes"; fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go test -c -o "$bin/bench.test" .
{
	echo "# ssegen $commit; $(go version); $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-); $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"
	for _ in $(seq "$rounds"); do
		"$bin/bench.test" -test.run '^$' -test.bench '^BenchmarkGenerate$' -test.benchtime 1x -test.timeout 0 -test.v -gen.run "$@"
	done
	echo "# load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
} | tee out-generate.txt
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da out-generate.txt
