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
#   JOURNAL=0          skip the journal section; JOURNAL_ONLY=1 runs only it (no node needed)
#   JOURNAL_COUNT=3    -count of the journal benchmarks (each figure is the median)
#   UAPOS_BENCH_DIR    where the journal's 1,000,000-entry fixture goes (about 2 GB; default TMPDIR)
#   SERVICE=0          skip the uaposd load section; SERVICE_ONLY=1 runs only it (no node needed)
#   SERVICE_LOAD=10000 purchases in the uaposd load run
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

# Journal (issue 15 item 2): a SQLite journal of 1,000,000 entries opened by a fresh process
# (time and memory), durable Begin+Finish against the old JSON-lines journal on the same disk,
# and Prune of the 90 days past retention. Prints its own markdown table.
journal_section() {
	local out jcount=${JOURNAL_COUNT:-3}
	out=$(mktemp "${TMPDIR:-/tmp}/uapos-bench-journal.XXXXXX")
	say "Go: journal, 1,000,000-entry SQLite fixture (count $jcount; building the fixture takes a minute)"
	if ! go test -run '^$' -timeout 60m -bench 'Open1M|Prune90Days' -benchtime 1x -count "$jcount" ./bench/journal >"$out" 2>&1 ||
		! go test -run '^$' -timeout 60m -bench 'BeginFinish' -benchtime 2s -count "$jcount" ./bench/journal >>"$out" 2>&1; then
		cat "$out" >&2
		rm -f "$out"
		die "journal benchmarks failed"
	fi
	printf '\n## Journal (%s)\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'Machine: %s × %s; %s. Medians of %s runs; durable commits (fsync) on the disk of %s.\n\n' \
		"$(nproc 2>/dev/null || echo '?')" "$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n1)" \
		"$(go version | cut -d' ' -f3-)" "$jcount" "${UAPOS_BENCH_DIR:-${TMPDIR:-/tmp}}"
	awk '
		function median(key,   n, i, j, t, a) {
			n = split(vals[key], a, " ")
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
			return n ? a[int((n + 1) / 2)] : "?"
		}
		/^Benchmark/ {
			name = $1; sub(/-[0-9]+$/, "", name)
			for (i = 3; i < NF; i += 2) { k = name " " $(i+1); vals[k] = vals[k] (vals[k] == "" ? "" : " ") $i }
		}
		END {
			print "| Measure | uapos journal (SQLite) | compared with | |"
			print "|---|---:|---:|---|"
			printf "| Open a journal of 1,000,000 entries (fresh process) | %.1f ms | target 100 ms | |\n", median("BenchmarkOpen1M ms/open")
			printf "| Resident memory after that open | %.1f MiB | target 64 MiB | |\n", median("BenchmarkOpen1M MiB-rss")
			s = median("BenchmarkBeginFinish/sqlite entries/s"); j = median("BenchmarkBeginFinish/jsonl entries/s")
			printf "| Begin + Finish, durable, empty journal | %.0f entries/s | %.0f entries/s (old JSON lines) | %.2f× |\n", s, j, s / j
			m = median("BenchmarkBeginFinish/sqlite-1M entries/s")
			printf "| Begin + Finish, durable, journal of 1,000,000 | %.0f entries/s | %.0f entries/s (old JSON lines) | %.2f× |\n", m, j, m / j
			printf "| Prune the 90 days past retention (%d of 1,000,000) | %.0f ms | | |\n", median("BenchmarkPrune90Days pruned/op"), median("BenchmarkPrune90Days ms/prune")
		}' "$out"
	rm -f "$out"
}
# Service (issue 18): 200 concurrent HTTP clients over 20 simulated PrivatBank terminals through
# uaposd, then the service's own cost per purchase against the direct library call on the same
# simulator, both measured in the same run. Prints its own markdown table.
service_section() {
	local out
	out=$(mktemp "${TMPDIR:-/tmp}/uapos-bench-service.XXXXXX")
	say "Go: uaposd load, ${SERVICE_LOAD:-10000} purchases"
	if ! UAPOSD_LOAD=${SERVICE_LOAD:-10000} go test -run '^$' -bench '^BenchmarkLoad$' -benchtime 1x ./cmd/uaposd >"$out" 2>&1; then
		cat "$out" >&2
		rm -f "$out"
		die "service benchmark failed"
	fi
	printf '\n## Service (%s)\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	awk '
		/^BenchmarkLoad/ { for (i = 3; i < NF; i += 2) v[$(i+1)] = $i }
		/double charges/ { sub(/^[ \t]*load_test.go:[0-9]+: /, ""); facts = $0 }
		END {
			print facts "\n"
			print "| Measure | through uaposd | direct library call | overhead |"
			print "|---|---:|---:|---:|"
			printf "| purchase, one client, p50 | %d µs | %d µs | %d µs |\n", v["http-p50-µs"], v["direct-p50-µs"], v["http-p50-µs"] - v["direct-p50-µs"]
			printf "| purchase, one client, p99 | %d µs | %d µs | %d µs |\n", v["http-p99-µs"], v["direct-p99-µs"], v["http-p99-µs"] - v["direct-p99-µs"]
			printf "| 200 clients over 20 terminals | %.0f purchases/s | | |\n", v["purchases/s"]
		}' "$out"
	rm -f "$out"
}
if [ "${JOURNAL_ONLY:-}" = 1 ]; then
	journal_section
	exit 0
fi
if [ "${SERVICE_ONLY:-}" = 1 ]; then
	service_section
	exit 0
fi

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

if [ "${JOURNAL:-}" != 0 ]; then
	journal_section
fi
if [ "${SERVICE:-}" != 0 ]; then
	service_section
fi
