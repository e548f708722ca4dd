#!/bin/sh
# sync.sh [TOWNSHIPS [CASES]]: a county of TOWNSHIPS township repositories
# (default 30) of CASES generated cases each (default 2000) pushed to one
# bare county repository, then
#
#   report   fq report --county over the bare repository (every branch read
#            from git, nothing checked out), cold (no fq index yet: every
#            case parsed) and warm (each branch's index in the cache,
#            $XDG_CACHE_HOME/fq/views, here under the output directory); the
#            issue's target is 300 x 2,000 cases in under 10 s
#   push     one day's changes (30 fq note commits) sent by one office
#   merge    the other copy of the same township, with 10 commits of its
#            own, takes those 30 in: fetch, per-case merge, push
#
# 300 x 2,000 is slow to generate on the 2-core build machine (26 minutes
# under load, gen.py and the pushes); the report's cost is linear in the
# number of case files, so the figure for 300 is about 10x the one for 30.
#
#	sh bench/sync.sh 30 2000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FQ_BIN:-$top/build/bin}
out=${BENCH_DIR:-$top/bench/out}/sync
t=${1:-30}
n=${2:-2000}
PATH=$bin:$PATH
export PATH FQ_TODAY=2024-06-20 GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export FQ_USER=bench FQ_EMAIL=bench@example.org XDG_CACHE_HOME=$out/cache
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
rm -rf "$out"
mkdir -p "$out/towns"
county="$out/county.git"
git init -q --bare "$county"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

start=$(now)
i=0
while [ $i -lt "$t" ]; do
	unit=$(printf 'T%03d' $i)
	dir="$out/towns/$unit"
	python3 "$here/gen.py" "$n" "$dir" --unit "$unit" --seed $((i + 1)) >/dev/null
	sed -i "s/^town: .*/town: 第${i}镇/" "$dir/fq.yaml"
	git -C "$dir" commit -qam "town"
	fq sync -C "$dir" "$county" >/dev/null
	i=$((i + 1))
done
echo "setup: $t townships x $n cases pushed in $(elapsed "$start" "$(now)") s"

# cold: no index yet; warm: each branch's index from the first run
start=$(now)
fq report --county "$county" --month 2024-06 --format json >/dev/null
cold=$(elapsed "$start" "$(now)")
start=$(now)
fq report --county "$county" --month 2024-06 --format json >"$out/county.json"
rep=$(elapsed "$start" "$(now)")
echo "report --county, cold: $t x $n cases in $cold s"
echo "report --county, warm: $t x $n cases in $rep s (300 townships: about $(awk -v r="$rep" -v t="$t" 'BEGIN { printf "%.1f", r * 300 / t }') s)"

# one day's changes in two copies of one township
a="$out/towns/T000"
b="$out/copy-T000"
# as a laptop clones over ssh: its branch only, one pack (a plain local
# clone hardlinks every pack of the county, 300 of them, and libgit2 then
# looks objects up in each: seconds per sync that no office would see)
git clone -q --no-local --single-branch -b T000 "$county" "$b"
ids=$(ls "$a"/cases/*/*/ | grep yaml | sed 's/\.yaml$//' | head -40)
k=0
for id in $ids; do
	if [ $k -lt 30 ]; then
		fq note -C "$a" --kind follow_up "$id" "今日电话回访 $k" >/dev/null
	else
		fq note -C "$b" --kind follow_up "$id" "走访记录 $k" >/dev/null
	fi
	k=$((k + 1))
done
# the copy also touches three of the cases office A changed: per-case merges
for id in $(echo "$ids" | head -3); do
	fq note -C "$b" --kind follow_up "$id" "同日另一处记录" >/dev/null
done
start=$(now)
fq sync -C "$a" >/dev/null
push=$(elapsed "$start" "$(now)")
start=$(now)
fq sync -C "$b" >"$out/merge.txt"
merge=$(elapsed "$start" "$(now)")
echo "sync, push of 30 commits: $push s"
echo "sync, fetch 30 + merge (3 cases changed in both) + push: $merge s ($(cat "$out/merge.txt" | head -1))"
fq check -C "$b" >/dev/null && echo "fq check after the merge: ok"
