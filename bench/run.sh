#!/usr/bin/env bash
# bench/run.sh: uapos benchmarks against the peer JavaScript encoder and against bare loops
# (issue 10 item 4). Prints one markdown table on stdout; progress goes to stderr.
#
# Needs Go (the version go.mod asks for, or a go that can fetch that toolchain). Installs
# nodejs and npm with apt-get when they are missing (Debian/Ubuntu; as root, or through sudo),
# and installs the peer encoder (bench/js/package.json) with npm in a temporary copy of
# bench/js, never in the checkout.
#
# Knobs (environment):
#   COUNT=5            -count of the Go benchmarks (each figure is the median)
#   TERMINALS=10000    simulated terminals in the scale benchmark
#   SCALE_COUNT=3      -count of the scale benchmark (each run pings all terminals 3 times)
#   PURCHASES=1000     purchases per run of each round-trip and bare-loop benchmark
#   JS_ITER=50         iterations of the peer encoder per figure
#   DETAILS=1          print detail tables (per benchmark, B/op, turns) after the table
#   KEEP=1             keep the temporary directory with the raw outputs
set -euo pipefail

COUNT=${COUNT:-5}
TERMINALS=${TERMINALS:-10000}
SCALE_COUNT=${SCALE_COUNT:-3}
PURCHASES=${PURCHASES:-1000}
JS_ITER=${JS_ITER:-50}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go not found: install Go (see go.mod for the version) and re-run"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || die "node/npm missing and no apt-get: install nodejs and npm"
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "node/npm missing: run as root or install sudo"
		sudo="sudo"
	fi
	say "installing nodejs and npm with apt-get"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update >&2
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/uapos-bench.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
	say "raw outputs kept in $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

say "installing the peer encoder in $tmp/js"
mkdir "$tmp/js"
cp bench/js/package.json bench/js/encode.mjs bench/js/table.mjs "$tmp/js/"
if [ -f bench/js/package-lock.json ]; then
	cp bench/js/package-lock.json "$tmp/js/"
	(cd "$tmp/js" && npm ci --no-audit --no-fund >&2)
else
	(cd "$tmp/js" && npm install --no-audit --no-fund >&2)
fi

# Machine facts, before the load we add ourselves.
bench_load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
bench_cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n1)
bench_nproc=$(nproc 2>/dev/null || echo '?')

gobench() { # output file, go test arguments...
	local file=$1
	shift
	if ! go test -run '^$' -benchmem "$@" >"$file" 2>&1; then
		cat "$file" >&2
		die "go test $* failed"
	fi
	cat "$file" >>"$tmp/go-bench.txt"
}
: >"$tmp/go-bench.txt"

say "Go: ESC/POS encoder (count $COUNT)"
gobench "$tmp/escpos.txt" -bench 'EncodeReference|LogoRaster' -count "$COUNT" ./escpos
say "Go: logo raster + encode (count $COUNT)"
gobench "$tmp/logo.txt" -bench 'LogoRasterEncode' -count "$COUNT" ./bench/gobench
# A fixed number of purchases per run: the adapters' in-memory journal grows by one entry
# per purchase and its cost grows with it, so a time-based -benchtime would compare
# protocols at different journal sizes.
say "Go: purchase round trips and bare loops, $PURCHASES each (count $COUNT)"
gobench "$tmp/terminals.txt" -bench 'PurchaseRoundTrip|BareLoop' -benchtime "${PURCHASES}x" -count "$COUNT" ./bench/gobench
say "Go: $TERMINALS simulated terminals (count $SCALE_COUNT)"
UAPOS_BENCH_TERMINALS=$TERMINALS gobench "$tmp/scale.txt" -bench '^BenchmarkScale$' -benchtime 3x -count "$SCALE_COUNT" ./bench/gobench

say "node: peer encoder ($JS_ITER iterations)"
node "$tmp/js/encode.mjs" "$root/testdata/bench" "$JS_ITER" >"$tmp/peer.json"

table_args=()
if [ "${DETAILS:-}" = 1 ]; then
	table_args=(--details)
fi
BENCH_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') \
	BENCH_CPU=$bench_cpu BENCH_NPROC=$bench_nproc BENCH_LOAD=$bench_load \
	BENCH_GO=$(go version | cut -d' ' -f3-) BENCH_COUNT=$COUNT BENCH_PURCHASES=$PURCHASES \
	node "$tmp/js/table.mjs" "${table_args[@]}" "$tmp/go-bench.txt" "$tmp/peer.json"
