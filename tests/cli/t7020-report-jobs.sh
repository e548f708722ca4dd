#!/bin/sh
# fq report counts a warm index in FQ_REPORT_JOBS threads (2 by default),
# each over a run of consecutive cases into its own part of the report,
# merged in the order of the cases: every format, month and roll-up is
# byte-identical whatever the number of threads, and to the report read
# without the index; the unreadable files are named in path order.
. "$(dirname "$0")/lib.sh"
exec </dev/null

N=${FQ_T7010_CASES:-3000}
[ -z "$FQ_VG" ] || N=${FQ_T7010_CASES:-300}
export FQ_TODAY=2025-01-15
command -v python3 >/dev/null || { echo "1..0 # skip: no python3"; exit 0; }
python3 "$FQ_SOURCE_DIR/bench/gen.py" "$N" repo >/dev/null
python3 "$FQ_SOURCE_DIR/bench/gen.py" 400 repo2 --unit QSY --seed 7 >/dev/null
fq list -C repo >/dev/null	# the indexes, warm from here on
fq list -C repo2 >/dev/null
ok "the index is warm" test -s repo/.git/fq/index

MONTHS="2024-11 2024-06 2023-12 2025-01"
[ -z "$FQ_VG" ] || MONTHS="2024-11"
# reports JOBS DIR: every format of every month, and a county roll-up
reports() {
	mkdir -p "$2"
	for m in $MONTHS; do
		for f in json csv text md; do
			FQ_REPORT_JOBS=$1 fq report -C repo --month "$m" \
				--format "$f" >"$2/$m.$f" 2>&1
			echo "exit $?" >>"$2/$m.$f"
		done
		FQ_REPORT_JOBS=$1 fq report --repo repo --repo repo2 \
			--month "$m" --format json >"$2/county-$m.json" 2>&1
		echo "exit $?" >>"$2/county-$m.json"
	done
}

FQ_NOINDEX=1 reports 1 ref
like "the reference counts cases" "$(cat ref/2024-11.json)" '"new"'
like "... key cases" "$(cat ref/2024-11.json)" 'QSZ-20'
like "... and both townships" "$(cat ref/county-2024-11.json)" "QSZ-.*QSY-|QSY-.*QSZ-"
reports 1 one
same_dirs "one thread: as without the index" ref one
reports 2 two
same_dirs "two threads: byte-identical to one" one two
reports 3 three
same_dirs "three threads: the same" one three
unset FQ_REPORT_JOBS
FQ_REPORT_JOBS= reports "" default
same_dirs "the default (two): the same" one default
reports 0 zero
same_dirs "FQ_REPORT_JOBS=0 is one thread" one zero
m=${MONTHS%% *}
FQ_REPORT_JOBS=two fq report --repo repo --repo repo2 --month "$m" \
	--format json >bad-jobs.json 2>bad-jobs.err
echo "exit $?" >>bad-jobs.json
is "FQ_REPORT_JOBS=two: the same roll-up" "$(cat bad-jobs.json)" \
	"$(cat one/county-$m.json)"
is "... and one warning that it is no number" "$(cat bad-jobs.err)" \
	"fq-report: warning: FQ_REPORT_JOBS: not a number of threads: 'two' (using 2)"

# records damaged all over the second half of the index: each thread
# parses its cases again (under a lock), into the same report
cp repo/.git/fq/index warm.index
size=$(wc -c <warm.index)
i=1
while [ $i -lt 40 ]; do
	dd if=/dev/urandom of=repo/.git/fq/index bs=1 count=64 conv=notrunc \
		seek=$((size / 2 + i * size / 90)) 2>/dev/null
	i=$((i + 1))
done
cp repo/.git/fq/index damaged.index
for m in $MONTHS; do
	fq report -C repo --month "$m" --format json >dmg-$m.json 2>&1
	echo "exit $?" >>dmg-$m.json
	cp damaged.index repo/.git/fq/index
done
ok "damaged records: two threads, as without the index" \
	cmp ref/2024-11.json dmg-2024-11.json
ok "... every month" sh -c 'for m in $0; do cmp ref/$m.json dmg-$m.json || exit 1; done' "$MONTHS"
fq report -C repo --month 2024-11 --format json >/dev/null 2>&1
unlike "... and the index was written anew" \
	"$(cmp repo/.git/fq/index damaged.index 2>&1 || echo differs)" "^$"
cp warm.index repo/.git/fq/index

# unreadable files at both ends of the path order: named the same, in
# path order, the first ten of them
mkdir -p repo/cases/0000 repo/cases/9999
for i in 1 2 3 4 5 6; do
	printf 'id: [unclosed\n' >repo/cases/0000/bad-$i.yaml
	printf 'id: [unclosed\n' >repo/cases/9999/bad-$i.yaml
done
git -C repo add cases >/dev/null
git -C repo -c user.name=t -c user.email=t@example.org commit -q -m bad
fq list -C repo >/dev/null 2>&1
FQ_REPORT_JOBS=1 fq report -C repo --month 2024-11 >bad1.out 2>bad1.err
echo "exit $?" >>bad1.err
FQ_REPORT_JOBS=2 fq report -C repo --month 2024-11 >bad2.out 2>bad2.err
echo "exit $?" >>bad2.err
like "one thread: 12 unreadable files" "$(cat bad1.err)" \
	"12 case file.*0000/bad-1.yaml.*9999/bad-4.yaml, \.\.\.$"
like "... exit 65" "$(cat bad1.err)" "^exit 65$"
unlike "... the first ten only" "$(cat bad1.err)" "9999/bad-5"
ok "two threads: the same message" cmp bad1.err bad2.err
ok "... and nothing on stdout" cmp bad1.out bad2.out

done_testing
