#!/bin/sh
# import.sh [N...]: fq import of N generated ledger rows (default 10000
# and 100000) into a fresh repository, one commit, beside Taskwarrior 2.6
# importing the same records as JSON; wall time and peak RSS from
# /usr/bin/time -v, one table with the ratio.
#
#	sh bench/import.sh 10000
#	sh bench/import.sh 10000 100000
#
# Taskwarrior (Debian package taskwarrior) runs with its data in a
# temporary directory and an empty rc file (rc.confirmation=no,
# rc.hooks=off, rc.gc=off, rc.verbose=nothing).  It is skipped when `task`
# is not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
out=${BENCH_DIR:-$top/bench/out}
[ $# -gt 0 ] || set -- 10000 100000
export FQ_USER=bench FQ_EMAIL=bench@fq FQ_TODAY=2024-12-31 GIT_CONFIG_NOSYSTEM=1
mkdir -p "$out"

# measure LABEL CMD...: "seconds kilobytes" of one run
measure() {
	label=$1; shift
	/usr/bin/time -v "$@" >"$out/$label.out" 2>"$out/$label.time" ||
		{ echo "failed: $*" >&2; tail -5 "$out/$label.time" >&2; return 1; }
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; w = s }
		/Maximum resident set size/ { m = $2 }
		END { printf "%.2f %d\n", w, m }' "$out/$label.time"
}

printf '%-8s %10s %10s %10s %10s %8s %8s\n' rows fq_s fq_MB task_s task_MB \
	time_x mem_x
for n in "$@"; do
	csv="$out/ledger-$n.csv"
	json="$out/ledger-$n.json"
	[ -f "$csv" ] && [ -f "$json" ] ||
		python3 "$here/gen_ledger.py" "$n" "$csv" "$json"
	repo="$out/repo-$n-$$"
	"$bin/fq-init" "$repo" --unit QSZ --name 青山镇人民调解委员会 >/dev/null
	set -- $(measure "fq-$n" "$bin/fq-import" -C "$repo" "$csv")
	fs=$1 fk=$2
	commits=$(git -C "$repo" rev-list --count HEAD)
	[ "$commits" = 2 ] || echo "warning: $commits commits, want 2" >&2
	if command -v task >/dev/null 2>&1; then
		tw="$out/task-$n-$$"
		mkdir -p "$tw"
		: >"$tw/rc"
		set -- $(TASKRC="$tw/rc" measure "task-$n" task \
			rc.data.location="$tw/data" rc.confirmation=no \
			rc.hooks=off rc.gc=off rc.verbose=nothing import "$json")
		ts=$1 tk=$2
		rm -rf "$tw"
	else
		ts=0 tk=0
	fi
	awk -v n="$n" -v fs="$fs" -v fk="$fk" -v ts="$ts" -v tk="$tk" 'BEGIN {
		tx = "-"; mx = "-"
		if (ts > 0) tx = sprintf("%.2f", fs / ts)
		if (tk > 0) mx = sprintf("%.2f", fk / tk)
		printf "%-8s %10.2f %10.1f %10.2f %10.1f %8s %8s\n", n, fs,
			fk / 1024, ts, tk / 1024, tx, mx }'
	rm -rf "$repo"
done
echo "time_x, mem_x: fq divided by Taskwarrior (below 1: fq is faster/smaller)"
