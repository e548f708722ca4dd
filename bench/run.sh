#!/bin/sh
# run.sh [N...]: build a repository of N generated cases (default 10000)
# and time fq against git on it, printing one table.  Median of RUNS runs
# (default 5), peak memory from /usr/bin/time when present.
#
#	sh bench/run.sh 10000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
runs=${RUNS:-5}
out=${BENCH_DIR:-$top/bench/out}
[ $# -gt 0 ] || set -- 10000
export FQ_USER=bench FQ_EMAIL=bench@fq FQ_TODAY=2025-01-15 GIT_CONFIG_NOSYSTEM=1
mkdir -p "$out"

# median_ms CMD...: median wall time in ms over $runs runs
median_ms() {
	i=0
	: > "$out/times"
	while [ $i -lt "$runs" ]; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
		e=$(date +%s%N)
		echo $(( (e - s) / 1000000 )) >> "$out/times"
		i=$((i + 1))
	done
	sort -n "$out/times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

peak_kb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
	else
		echo "-"
	fi
}

printf '%-8s %-44s %10s %10s\n' cases operation "median ms" "peak KB"
for n in "$@"; do
	repo="$out/repo-$n"
	if [ ! -d "$repo/.git" ]; then
		python3 "$here/gen.py" "$n" "$repo" >/dev/null
	fi
	row() {
		label=$1; shift
		ms=$(median_ms "$@")
		kb=$(peak_kb "$@")
		printf '%-8s %-44s %10s %10s\n' "$n" "$label" "$ms" "$kb"
	}
	printf '#!/bin/sh\nrm -f "$1/.git/fq/index"; exec "%s/fq-list" -C "$1" status:mediating\n' "$bin" > "$out/cold-list"
	row "fq list status:mediating (index deleted)" sh "$out/cold-list" "$repo"
	row "fq list status:mediating" "$bin/fq-list" -C "$repo" status:mediating
	row "fq list overdue" "$bin/fq-list" -C "$repo" overdue
	row "fq list --format json (all)" "$bin/fq-list" -C "$repo" --format json
	row "fq show ID" "$bin/fq-show" -C "$repo" QSZ-2020-000010
	row "fq due" "$bin/fq-due" -C "$repo"
	row "fq new" "$bin/fq-new" -C "$repo" --title 基准测试 --category neighbor \
		--summary 基准 --party 王某 --accepted 2025-01-15
	row "fq note ID" "$bin/fq-note" -C "$repo" QSZ-2020-000010 基准记录
	# peers: git's own one-file commit through its index, and grep
	f=$(ls "$repo"/cases/2020/01/*.yaml | head -1)
	gitcommit() { echo "# bench" >> "$f"; git -C "$repo" commit -qam bench; }
	row "peer: git commit -a (one file)" gitcommit
	row "peer: grep -rl 'status: mediating'" grep -rl 'status: mediating' "$repo/cases"
done
