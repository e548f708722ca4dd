#!/bin/sh
# county.sh [DIR | TOWNSHIPS [CASES]]: the county report, `fq report
# --county`, over a directory of township repositories, as a table:
# cold (no fq index yet: every case parsed) and warm (the indexes there),
# with the townships read one after another (FQ_REPORT_THREADS=1) and in
# parallel (the default: the CPUs online, at most 8), wall and CPU time,
# peak RSS and the load average before each run.
#
# DIR: an existing county (e.g. one bench/sync.sh made), read and never
# changed: the cold runs read each township's git directory as a bare
# mirror at its HEAD (a directory of symbolic links), with the index
# caches in a new $XDG_CACHE_HOME under the output directory each time;
# the warm runs read DIR itself (the townships' own indexes, which a
# first warm run writes if they are missing).  Otherwise TOWNSHIPS
# (default 20) x CASES (default 2000) are generated with gen.py.
#
# The day rows ("day" in MODES) are a monthly county run the day after
# the indexes were made: DAY townships (default 12) copied with their
# index under the output directory, three commits of two cases each made
# in each copy (DAY * 3 commits), the other townships DIR's own; every
# run starts from the copies' indexes as they were before the commits.
#
# FQ_BIN: the build to measure (default build/bin); FQ_BIN_BASE: another
# build (e.g. main's) measured in the same run, row for row; RUNS: warm
# runs per row, the best kept (default 3); MODES: "warm cold" (default),
# or any of warm, cold and day.  Every row's output is checked
# to be the same bytes as the first's (the day rows as the first day
# row's).
#
#	sh bench/county.sh /tmp/sign-bench/sync/towns
#	FQ_BIN_BASE=/tmp/main/build/bin sh bench/county.sh 30 2000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
base=${FQ_BIN_BASE:-}
out=${BENCH_DIR:-$top/bench/out}/county
runs=${RUNS:-3}
export FQ_TODAY=2024-06-20 GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
unset FQ_REPORT_THREADS FQ_INDEX_THREADS
rm -rf "$out"
mkdir -p "$out"

if [ $# -ge 1 ] && [ -d "$1" ]; then
	towns=$(cd "$1" && pwd)
else
	t=${1:-20}
	n=${2:-2000}
	towns=$out/towns
	mkdir -p "$towns"
	i=0
	while [ $i -lt "$t" ]; do
		unit=$(printf 'T%03d' $i)
		python3 "$here/gen.py" "$n" "$towns/$unit" --unit "$unit" \
			--seed $((i + 1)) >/dev/null
		sed -i "s/^town: .*/town: 第${i}镇/" "$towns/$unit/fq.yaml"
		git -C "$towns/$unit" commit -qam town
		i=$((i + 1))
	done
fi
# the cold runs' view of the townships: their git directories, bare
mkdir -p "$out/views"
ntown=0
for d in "$towns"/*; do
	[ -f "$d/fq.yaml" ] && [ -d "$d/.git" ] || continue
	ln -s "$d/.git" "$out/views/$(basename "$d")"
	ntown=$((ntown + 1))
done
ncase=$(find "$towns"/*/cases -name '*.yaml' | wc -l)

load() { cut -d' ' -f1 /proc/loadavg; }

# one BIN THREADS MODE: a row of the table
one() {
	b=$1 th=$2 mode=$3 label=$4 best= k=0
	first=$out/first.json
	if [ "$mode" = cold ]; then
		src=$out/views
		k=$((runs - 1))	# one cold run
	elif [ "$mode" = day ]; then
		src=$out/day
		first=$out/day-first.json
	else
		src=$towns
	fi
	while [ $k -lt "$runs" ]; do
		[ "$mode" != day ] || day_reset
		l=$(load)
		rm -rf "$out/cache"
		env ${th:+FQ_REPORT_THREADS=$th} XDG_CACHE_HOME="$out/cache" \
			/usr/bin/time -f '%e %U %S %M' -o "$out/time" \
			"$b/fq" report --county "$src" --month 2024-06 \
			--format json >"$out/report.json"
		set -- $(cat "$out/time")
		if [ -z "$best" ] || awk -v a="$1" -v b="$best" \
		    'BEGIN { exit !(a < b) }'; then
			best=$1
			row=$(awk -v w="$1" -v u="$2" -v s="$3" -v m="$4" \
				-v l="$l" 'BEGIN { printf "%7.2f %7.2f %7.2f " \
				"%7.2f %7.0f %6s", w, u, s, u + s, m / 1024, l }')
		fi
		k=$((k + 1))
	done
	if [ -f "$first" ]; then
		cmp -s "$first" "$out/report.json" ||
			{ echo "county.sh: $b $th $mode: another report" >&2;
			exit 1; }
	else
		cp "$out/report.json" "$first"
	fi
	printf '%-6s %-5s %-8s %s\n' "$mode" "$label" "${th:-auto}" "$row"
}

# the day's townships: copies with their index, and commits since
day_setup() {
	mkdir -p "$out/day" "$out/dayfq"
	dayt=$(for d in "$towns"/*; do
		[ -f "$d/fq.yaml" ] && [ -d "$d/.git" ] && basename "$d"
	done | tail -n "${DAY:-12}")
	for d in "$towns"/*; do
		[ -f "$d/fq.yaml" ] && [ -d "$d/.git" ] || continue
		t=$(basename "$d")
		case " $(echo $dayt) " in
		*" $t "*) ;;
		*) ln -s "$d" "$out/day/$t"; continue ;;
		esac
		# a copy, never DIR's township (which may be a symbolic link)
		mkdir "$out/day/$t"
		cp -a "$(cd "$d" && pwd -P)/." "$out/day/$t/"
		[ ! -L "$out/day/$t/.git" ] && [ "$(cd "$out/day/$t" &&
		    pwd -P)" != "$(cd "$d" && pwd -P)" ] ||
			{ echo "county.sh: $t: not copied" >&2; exit 1; }
		cp -a "$d/.git/fq" "$out/dayfq/$t"
		for c in 1 2 3; do
			for f in $(git -C "$out/day/$t" ls-files 'cases/*.yaml' |
			    tail -n 40 | sed -n "$((2 * c - 1)),$((2 * c))p"); do
				sed -i "s/^updated_at: .*/updated_at: \
2024-06-19T1${c}:00:00+08:00/" "$out/day/$t/$f"
			done
			git -C "$out/day/$t" commit -qam "day $c"
		done
	done
}
# each day run from the indexes of before the day's commits
day_reset() {
	for t in $dayt; do
		rm -rf "$out/day/$t/.git/fq"
		cp -a "$out/dayfq/$t" "$out/day/$t/.git/fq"
	done
}

echo "county report: $ntown townships, $ncase cases; $(nproc) CPUs;" \
	"fq report --county DIR --month 2024-06 --format json"
printf '%-6s %-5s %-8s %7s %7s %7s %7s %7s %6s\n' mode build threads \
	wall user sys cpu rss_MB load1
# a first warm run writes any index the townships lack
"$bin/fq" report --county "$towns" --month 2024-06 --format json >/dev/null
case " ${MODES:-} " in *" day "*) day_setup ;; esac
for mode in ${MODES:-warm cold}; do
	if [ -n "$base" ]; then
		one "$base" "" $mode base
	fi
	one "$bin" 1 $mode this
	one "$bin" "" $mode this
done
