#!/bin/sh
# import.sh [N...]: fq import of N generated ledger rows (default 10000
# and 100000, in one run) into a fresh repository, one commit, beside
# Taskwarrior 2.6 importing the same records as JSON; wall time, CPU time
# (user and system) and peak RSS from /usr/bin/time -v, one table with
# the ratios and the load average the run saw (the machine is shared).
#
#	sh bench/import.sh 10000
#	sh bench/import.sh 10000 100000
#
# Taskwarrior (Debian package taskwarrior) runs with its data in a
# temporary directory and an empty rc file (rc.confirmation=no,
# rc.hooks=off, rc.gc=off, rc.verbose=nothing).  It is skipped when `task`
# is not installed.
#
# The repositories go when the run is over, not between sizes: ext4
# passes over the inodes freed in the last minutes (up to six) for each
# file it creates, so an import right after removing the last one's
# 10 000 files pays for that removal.  BENCH_KEEP=1 keeps them (remove
# them yourself), for runs of two builds one after the other.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
out=${BENCH_DIR:-$top/bench/out}
[ $# -gt 0 ] || set -- 10000 100000
export FQ_USER=bench FQ_EMAIL=bench@fq FQ_TODAY=2024-12-31 GIT_CONFIG_NOSYSTEM=1
mkdir -p "$out"
made=
cleanup() { [ "${BENCH_KEEP:-}" = 1 ] || [ -z "$made" ] || rm -rf $made; }
trap cleanup EXIT

# measure LABEL CMD...: "wall kilobytes user system" of one run
measure() {
	label=$1; shift
	/usr/bin/time -v "$@" >"$out/$label.out" 2>"$out/$label.time" ||
		{ echo "failed: $*" >&2; tail -5 "$out/$label.time" >&2; return 1; }
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; w = s }
		/Maximum resident set size/ { m = $2 }
		/User time \(seconds\)/ { u = $2 }
		/System time \(seconds\)/ { y = $2 }
		END { printf "%.2f %d %.2f %.2f\n", w, m, u, y }' "$out/$label.time"
}

printf '%-8s %8s %12s %8s %8s %12s %8s %7s %7s %6s\n' rows fq_s \
	fq_user+sys fq_MB task_s task_user+sys task_MB time_x mem_x load
for n in "$@"; do
	csv="$out/ledger-$n.csv"
	json="$out/ledger-$n.json"
	[ -f "$csv" ] && [ -f "$json" ] ||
		python3 "$here/gen_ledger.py" "$n" "$csv" "$json"
	repo="$out/repo-$n-$$"
	"$bin/fq-init" "$repo" --unit QSZ --name 青山镇人民调解委员会 >/dev/null
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)
	set -- $(measure "fq-$n" "$bin/fq-import" -C "$repo" "$csv")
	fs=$1 fk=$2 fu=$3 fy=$4
	commits=$(git -C "$repo" rev-list --count HEAD)
	[ "$commits" = 2 ] || echo "warning: $commits commits, want 2" >&2
	if command -v task >/dev/null 2>&1; then
		tw="$out/task-$n-$$"
		mkdir -p "$tw"
		: >"$tw/rc"
		set -- $(TASKRC="$tw/rc" measure "task-$n" task \
			rc.data.location="$tw/data" rc.confirmation=no \
			rc.hooks=off rc.gc=off rc.verbose=nothing import "$json")
		ts=$1 tk=$2 tu=$3 ty=$4
		made="$made $tw"
	else
		ts=0 tk=0 tu=0 ty=0
	fi
	awk -v n="$n" -v fs="$fs" -v fk="$fk" -v fu="$fu" -v fy="$fy" \
	    -v ts="$ts" -v tk="$tk" -v tu="$tu" -v ty="$ty" -v load="$load" \
	    'BEGIN {
		tx = "-"; mx = "-"
		if (ts > 0) tx = sprintf("%.2f", fs / ts)
		if (tk > 0) mx = sprintf("%.2f", fk / tk)
		printf "%-8s %8.2f %12s %8.1f %8.2f %12s %8.1f %7s %7s %6s\n",
			n, fs, sprintf("%.2f+%.2f", fu, fy), fk / 1024, ts,
			sprintf("%.2f+%.2f", tu, ty), tk / 1024, tx, mx, load }'
	made="$made $repo"
done
echo "time_x, mem_x: fq divided by Taskwarrior (below 1: fq is faster/smaller);"
echo "_s: wall seconds; user+sys: CPU seconds; load: 1-minute load average before fq ran"
