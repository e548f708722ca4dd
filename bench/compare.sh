#!/bin/sh
# compare.sh [N...]: fq against its peers on the same N generated cases
# (default 10000), one table per run: median wall seconds of RUNS runs
# (default 3), user seconds and peak memory of the median run
# (/usr/bin/time), and the ratio of each fq row to each peer.
#
#   fq      report --format json with the index warm and deleted (cold),
#           list status:mediating, due, new, a lifecycle step (mediate)
#   parse   bench/parse.c: read every case file, run libyaml's parser
#   git     git ls-tree -r HEAD (every blob id: what the index starts from)
#   hledger hledger balance -M on a journal of the same cases (one
#           posting per intake and per closing, by category and outcome)
#   recsel  recutils: count of the cases per category (recsel -G)
#   task    Taskwarrior: task count of the mediating cases (import once;
#           at N > 20000 only with BENCH_TASK=1: the import takes minutes)
#
# A peer that is not installed is left out (apt-get install hledger
# recutils taskwarrior).  The machine's other load shows in wall time;
# user time is the steadier figure.
#
#	sh bench/compare.sh 10000 100000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
out=${BENCH_DIR:-$top/bench/out}
runs=${RUNS:-3}
month=${MONTH:-2024-11}
[ $# -gt 0 ] || set -- 10000
export FQ_TODAY=2025-01-15 FQ_USER=bench FQ_EMAIL=bench@fq GIT_CONFIG_NOSYSTEM=1
export LC_ALL=C.UTF-8
mkdir -p "$out"
cc -O2 -o "$out/parse" "$here/parse.c" $(pkg-config --cflags --libs yaml-0.1)

# measure LABEL PRE CMD...: run PRE (untimed, may be :) then CMD, RUNS
# times; append "label wall user peak" of the median run to $out/rows
measure() {
	label=$1 pre=$2; shift 2
	: > "$out/runs"
	i=0
	while [ $i -lt "$runs" ]; do
		sh -c "$pre" >/dev/null 2>&1
		/usr/bin/time -f "%e %U %M" -o "$out/time" "$@" >/dev/null 2>"$out/stderr" ||
			{ echo "failed: $*" >&2; tail -3 "$out/stderr" >&2; return 0; }
		tail -1 "$out/time" >> "$out/runs"
		i=$((i + 1))
	done
	set -- $(sort -n "$out/runs" | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
	printf '%s\t%s\t%s\t%s\n' "$label" "$1" "$2" "$3" >> "$out/rows"
}

for n in "$@"; do
	repo="$out/repo-$n"
	[ -d "$repo/.git" ] || python3 "$here/gen.py" "$n" "$repo" >/dev/null
	git -C "$repo" config user.name bench
	git -C "$repo" config user.email bench@fq
	journal="$out/cases-$n.journal" rec="$out/cases-$n.rec"
	tasks="$out/cases-$n.tasks.json"
	[ -s "$journal" ] && [ -s "$rec" ] && [ -s "$tasks" ] ||
	python3 "$here/peers.py" "$repo" "$journal" "$rec" "$tasks"
	# Taskwarrior's data, imported once
	tdir="$out/task-$n"
	if command -v task >/dev/null && [ ! -s "$tdir/pending.data" ] &&
	    { [ "$n" -le 20000 ] || [ "${BENCH_TASK:-0}" = 1 ]; }; then
		mkdir -p "$tdir"
		printf 'data.location=%s\nconfirmation=off\nverbose=nothing\n' "$tdir" > "$tdir/rc"
		TASKRC="$tdir/rc" task import "$tasks" >/dev/null 2>&1 || true
	fi
	find "$repo/cases" -name "*.yaml" -exec cat {} + > /dev/null	# page cache
	: > "$out/rows"
	"$bin/fq-list" -C "$repo" status:mediating >/dev/null	# warm the index
	"$bin/fq-due" -C "$repo" >/dev/null
	measure "fq report --format json (index warm)" : \
		"$bin/fq-report" -C "$repo" --month "$month" --format json
	measure "fq report --format json (index deleted)" "rm -rf '$repo/.git/fq/index'" \
		"$bin/fq-report" -C "$repo" --month "$month" --format json
	measure "fq list status:mediating" : "$bin/fq-list" -C "$repo" status:mediating
	measure "fq due" : "$bin/fq-due" -C "$repo"
	measure "fq new" : "$bin/fq-new" -C "$repo" --title 基准测试纠纷 \
		--category neighbor --summary 基准 --party 王某 --accepted 2025-01-15
	measure "fq mediate (a lifecycle step)" \
		"'$bin/fq-new' -C '$repo' --title 基准 --category neighbor --summary 基准 --party 王某 --accepted 2025-01-15 --mediator 李调解 | tail -1 > '$out/last-id'" \
		sh -c "exec '$bin/fq-mediate' -C '$repo' \$(cat '$out/last-id')"
	measure "fq list, first read after a write" \
		"'$bin/fq-note' -C '$repo' QSZ-2020-000010 基准记录" \
		"$bin/fq-list" -C "$repo" status:mediating
	npeers=0
	measure "peer: libyaml parse of every file" : "$out/parse" "$repo/cases"
	measure "peer: git ls-tree -r HEAD" : git -C "$repo" ls-tree -r HEAD
	command -v hledger >/dev/null &&
		measure "peer: hledger balance -M (journal)" : hledger -f "$journal" balance -M
	command -v recsel >/dev/null &&
		measure "peer: recsel -G Category count" : recsel -t Case -G Category -p "Category,Count(Id)" "$rec"
	[ -s "$tdir/pending.data" ] &&
		measure "peer: task count +mediating" : env TASKRC="$tdir/rc" task count +mediating
	echo
	echo "$n cases, month $month, median of $runs runs"
	awk -F '\t' '
		{ label[NR] = $1; wall[NR] = $2; user[NR] = $3; mem[NR] = $4 }
		$1 ~ /^peer:/ { peer[++np] = NR }
		END {
			printf "%-42s %7s %7s %8s", "operation", "wall s", "user s", "peak MB"
			for (p = 1; p <= np; p++) {
				s = label[peer[p]]; sub(/^peer: /, "", s); split(s, w, " ")
				printf " %9s", "/" w[1]
			}
			printf "\n"
			for (i = 1; i <= NR; i++) {
				printf "%-42s %7.2f %7.2f %8.1f", label[i], wall[i], user[i], mem[i] / 1024
				if (label[i] !~ /^peer:/)
					for (p = 1; p <= np; p++)
						if (wall[peer[p]] > 0)
							printf " %8.3fx", wall[i] / wall[peer[p]]
						else
							printf " %9s", "-"
				printf "\n"
			}
		}' "$out/rows"
done
