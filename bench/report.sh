#!/bin/sh
# report.sh [N [MONTH]]: the monthly report on a repository of N generated
# cases (default 10000, month 2024-06) against two peers on the same data:
#
#   parse    bench/parse.c: read every case file and run libyaml's parser
#            over it, nothing else (the floor for anything that looks at
#            every file); target: fq report <= 1.2x this
#   hledger  `hledger balance -M` on a journal with the same cases (one
#            posting per intake and per closing, by category and outcome)
#
# One run of each after a warm-up read of the files; wall and user
# seconds, peak memory, and the ratio to the plain parse.
#
#	sh bench/report.sh 100000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
out=${BENCH_DIR:-$top/bench/out}
n=${1:-10000}
month=${2:-2024-06}
export FQ_TODAY=2025-01-15 GIT_CONFIG_NOSYSTEM=1
mkdir -p "$out"
repo="$out/repo-$n"
[ -d "$repo/.git" ] || python3 "$here/gen.py" "$n" "$repo" >/dev/null
cc -O2 -o "$out/parse" "$here/parse.c" $(pkg-config --cflags --libs yaml-0.1)

journal="$out/cases-$n.journal"
[ -s "$journal" ] || python3 "$here/peers.py" "$repo" "$journal"

find "$repo/cases" -name "*.yaml" -exec cat {} + > /dev/null	# warm the page cache
run() {	# run LABEL CMD...: one timed run
	label=$1; shift
	/usr/bin/time -f "%e %U %M" -o "$out/time" "$@" > "$out/stdout" 2>"$out/stderr" ||
		{ echo "failed: $*" >&2; cat "$out/stderr" >&2; return 1; }
	set -- $(tail -1 "$out/time")
	printf '%s\t%s\t%s\t%s\n' "$label" "$1" "$2" "$3" >> "$out/rows"
}
: > "$out/rows"
run "plain libyaml parse of every file" "$out/parse" "$repo/cases"
run "fq report --month $month" "$bin/fq-report" -C "$repo" --month "$month"
run "fq report --month $month --format json" "$bin/fq-report" -C "$repo" --month "$month" --format json
run "fq report, no pre-filter (FQ_REPORT_NOSKIP=1)" env FQ_REPORT_NOSKIP=1 "$bin/fq-report" -C "$repo" --month "$month"
if command -v hledger >/dev/null; then
	run "hledger balance -M (journal)" hledger -f "$journal" balance -M
else
	echo "hledger not installed (apt-get install hledger): row left out" >&2
fi
echo "$n cases, month $month; one run each"
awk -F '\t' 'NR == 1 { base = $2; ubase = $3 }
	{ printf "%-48s %8.2f s %8.2f s user %8.1f MB %7.2fx\n", $1, $2, $3, $4 / 1024, (base > 0 ? $2 / base : 0) }' "$out/rows" |
	sed '1i operation                                           wall         user          peak   vs parse'
