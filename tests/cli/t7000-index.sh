#!/bin/sh
# The index (.git/fq/index) and the deadline cache (.git/fq/due) never
# change a result: on a generated repository (bench/gen.py) plus cases made
# by the lifecycle commands, every reader's output is byte-identical to the
# one read without any cache (FQ_NOINDEX=1) with the index warm, deleted,
# truncated, overwritten with random bytes or of another version, and
# after a change to the deadline profile in fq.yaml or to a holiday file
# (where the result changes exactly as it does without the cache).
. "$(dirname "$0")/lib.sh"
exec </dev/null

N=${FQ_T7000_CASES:-2000}
# under valgrind each reader costs some fifty times more: 200 cases
[ -z "$FQ_VG" ] || N=${FQ_T7000_CASES:-200}
export FQ_TODAY=2025-01-15
command -v python3 >/dev/null || { echo "1..0 # skip: no python3"; exit 0; }
python3 "$FQ_SOURCE_DIR/bench/gen.py" "$N" repo >/dev/null
# fq.yaml as fq init writes it, plus cases through the real commands
git -C repo config user.name gen
git -C repo config user.email gen@example.org
A=$(fq new -C repo --title 红色宅基地纠纷 --category housing_homestead \
	--summary 两家因滴水檐发生争执 --party 王某甲:申请人:13800000001 \
	--party 王某乙 --mediator 李调解 --accepted 2024-12-02)
fq mediate -C repo "$A" >/dev/null
fq risk -C repo "$A" --color red --lead 张副镇长 >/dev/null 2>&1
B=$(fq new -C repo --title 黄色土地纠纷 --category land_forest --summary 地界 \
	--party 李某 --party 赵某 --mediator 李调解 --accepted 2024-11-20)
fq mediate -C repo "$B" >/dev/null
fq agree -C repo "$B" --form written --amount 3000 --close >/dev/null 2>&1
C=$(fq new -C repo --title 移交法院纠纷 --category contract --summary 合同 \
	--party 孙某 --party 周某 --mediator 李调解 --accepted 2025-01-06)
fq mediate -C repo "$C" >/dev/null
fq refer -C repo "$C" --to 青山县人民法院 --kind transfer --channel litigation >/dev/null
fq note -C repo "$A" 第一次调解 >/dev/null
ok "the lifecycle commands ran on the generated repository" test -n "$A$B$C"

MONTHS="2024-11 2024-06 2023-12 2025-01"
# Under valgrind: two months, and the references without a cache
# (FQ_NOINDEX=1, the same code each time) under valgrind only once.
[ -z "$FQ_VG" ] || MONTHS="2024-11 2023-12"
ref() { FQ_VG_ONCE=$FQ_VG FQ_NOINDEX=1 readers "$1"; }

# readers DIR: every reader's output (and exit code) into DIR
readers() {
	mkdir -p "$1"
	i=0
	while read -r name cmd; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		eval "fq $cmd" >"$1/$name" 2>"$1/$name.err"
		echo "exit $?" >>"$1/$name"
	done <<EOF
list-all list -C repo
list-med list -C repo status:mediating
list-json list -C repo --format json
list-csv list -C repo --format csv category:neighbor,contract
list-tsv list -C repo --format tsv color:red,yellow since:2024-01-01
list-overdue list -C repo overdue
due due -C repo
due-json due -C repo --format json
due-tsv due -C repo --format tsv --within 30
export-med export -C repo --format json status:mediating
export-csv export -C repo --format csv category:neighbor risk:red,yellow
export-month export -C repo --format yaml month:2024-11
EOF
	for m in $MONTHS; do
		fq report -C repo --month "$m" --format json >"$1/report-$m.json" 2>&1
		echo "exit $?" >>"$1/report-$m.json"
		fq report -C repo --month "$m" --format csv >"$1/report-$m.csv" 2>&1
		echo "exit $?" >>"$1/report-$m.csv"
	done
}

ref ref
like "the reference lists the generated cases" "$(cat ref/list-all)" "QSZ-2024-"
like "... and the lifecycle cases" "$(cat ref/list-all)" "$A"
like "the reference report counts cases" "$(cat ref/report-2024-11.json)" '"new"'
like "the reference due list is not empty" "$(cat ref/due)" "$C"

rm -rf repo/.git/fq
readers cold
same_dirs "index deleted: every output as without the index" ref cold
ok "the index was written" test -s repo/.git/fq/index
ok "the deadline cache was written" test -s repo/.git/fq/due

cp repo/.git/fq/index warm.index
readers warm
same_dirs "index warm: every output the same" ref warm
ok "a warm run does not rewrite an unchanged index" cmp warm.index repo/.git/fq/index

size=$(wc -c <warm.index)
head -c $((size / 2)) warm.index >repo/.git/fq/index
readers trunc
same_dirs "index truncated: the same" ref trunc
ok "... and the index is whole again" cmp warm.index repo/.git/fq/index

# random bytes in the data of the records (past the table)
cp warm.index repo/.git/fq/index
dd if=/dev/urandom of=repo/.git/fq/index bs=1 seek=$((size - size / 3)) \
	count=4096 conv=notrunc 2>/dev/null
readers databytes
same_dirs "random bytes in the records' data: the same" ref databytes
# random bytes in the table of records
cp warm.index repo/.git/fq/index
dd if=/dev/urandom of=repo/.git/fq/index bs=1 seek=200 count=64 \
	conv=notrunc 2>/dev/null
readers tablebytes
same_dirs "random bytes in the table: the same" ref tablebytes
ok "... and the index is whole again" cmp warm.index repo/.git/fq/index
# a whole file of random bytes
head -c "$size" /dev/urandom >repo/.git/fq/index
readers random
same_dirs "an index of random bytes: the same" ref random
# another format version (the 4 bytes after the magic)
cp warm.index repo/.git/fq/index
printf '\377\377\000\000' | dd of=repo/.git/fq/index bs=1 seek=8 conv=notrunc 2>/dev/null
readers version
same_dirs "an index of another version: the same" ref version
ok "... rewritten in this version" cmp warm.index repo/.git/fq/index
# the deadline cache damaged
dsize=$(wc -c <repo/.git/fq/due)
head -c $((dsize - 100)) repo/.git/fq/due >due.cut && cp due.cut repo/.git/fq/due
readers duecut
same_dirs "the deadline cache truncated: the same" ref duecut
dd if=/dev/urandom of=repo/.git/fq/due bs=1 seek=$((dsize / 2)) count=512 \
	conv=notrunc 2>/dev/null
readers duebytes
same_dirs "random bytes in the deadline cache: the same" ref duebytes

# a lifecycle step: the index follows HEAD
rm -f repo/.git/fq/index.log
cp repo/.git/fq/index pre.index
ok "fq note on a case" fq note -C repo "$C" 电话联系法院
ok "fq fail on a case" fq fail -C repo "$A" --advised litigation
# open; with mediation 15 days (below) due on 2025-01-17, then moved by
# the holidays further below
D=$(fq new -C repo --title 邻里纠纷 --category neighbor --summary 噪音 \
	--party 钱某 --party 吴某 --mediator 李调解 --accepted 2025-01-02)
ok "fq mediate on a new case" fq mediate -C repo "$D"
ref ref2
readers step
same_dirs "after lifecycle steps: the same" ref2 step
unlike "... which changed the result" "$(diff -r ref ref2 >/dev/null && echo same)" same
ok "... the index file left as it was" cmp pre.index repo/.git/fq/index
ok "... what changed appended to its log" test -s repo/.git/fq/index.log
cp repo/.git/fq/index.log good.log
lsize=$(wc -c <good.log)

# the log damaged: cut short, random bytes, extending another file
head -c $((lsize - 100)) good.log >repo/.git/fq/index.log
readers logcut
same_dirs "the log cut short: the same" ref2 logcut
cp repo/.git/fq/index.log again.log
fq list -C repo >/dev/null
ok "... and the log sound again (a reader adds nothing)" cmp again.log repo/.git/fq/index.log
dd if=/dev/urandom of=repo/.git/fq/index.log bs=1 seek=$((lsize / 2)) \
	count=256 conv=notrunc 2>/dev/null
readers logbytes
same_dirs "random bytes in the log: the same" ref2 logbytes
head -c "$lsize" /dev/urandom >repo/.git/fq/index.log
readers lograndom
same_dirs "a log of random bytes: the same" ref2 lograndom
rm -f repo/.git/fq/index
readers rebuilt
same_dirs "the index deleted after the steps: the same" ref2 rebuilt
ok "... written anew, its old log removed" test ! -e repo/.git/fq/index.log
cp good.log repo/.git/fq/index.log
readers logother
same_dirs "a log that extends another index file: the same" ref2 logother

# the deadline profile in fq.yaml
printf 'deadlines:\n  mediation: 15 days\n  receipt: 5 days\n' >>repo/fq.yaml
git -C repo commit -qam "deadlines: mediation 15 days"
ref ref3
readers profile
same_dirs "deadline profile changed: the same as without the cache" ref3 profile
unlike "... and the due list changed" "$(cmp ref2/due ref3/due >/dev/null 2>&1 && echo same)" same

# a holiday file (schemas copied, FQ_SCHEMA_DIR)
cp -R "$FQ_SOURCE_DIR/schemas" schemas
export FQ_SCHEMA_DIR="$TEST_TMP/schemas"
readers ref4pre
same_dirs "another schema directory with the same files: the same" ref3 ref4pre
for d in 02 03 06 07 08 09 10 13 14 15 16 17 20 21 22 23 24; do
	echo "  - 2025-01-$d"
done >days
awk 'FNR==NR { add = add $0 "\n"; next }
	/^holidays:/ { printf "%s\n%s", $0, add; next } { print }' \
	days schemas/holidays/2025.yaml >h && mv h schemas/holidays/2025.yaml
ref ref4
readers holiday
same_dirs "holiday file changed: the same as without the cache" ref4 holiday
unlike "... and the due list changed" "$(cmp ref4pre/due ref4/due >/dev/null 2>&1 && echo same)" same
unset FQ_SCHEMA_DIR
readers back
same_dirs "back to the installed holidays: as before" ref3 back

# a county roll-up (--repo, many): each repository through its own index
python3 "$FQ_SOURCE_DIR/bench/gen.py" 300 repo2 --unit QSY --seed 7 >/dev/null
for m in 2024-11 2024-06; do
	FQ_NOINDEX=1 fq report --repo repo --repo repo2 --month $m --format json \
		>county-ref-$m.json 2>&1
	rm -rf repo2/.git/fq
	fq report --repo repo --repo repo2 --month $m --format json >county-cold-$m.json 2>&1
	fq report --repo repo --repo repo2 --month $m --format json >county-warm-$m.json 2>&1
	ok "county roll-up $m, index deleted: the same" cmp county-ref-$m.json county-cold-$m.json
	ok "county roll-up $m, index warm: the same" cmp county-ref-$m.json county-warm-$m.json
done
like "... with both townships in it" "$(cat county-ref-2024-11.json)" "QSZ-.*QSY-|QSY-.*QSZ-"

# git status stays clean: the caches live in .git
is "git status is clean" "$(git -C repo status --porcelain)" ""

done_testing
