#!/bin/sh
# fq due walks a warm index in FQ_DUE_JOBS threads (2 by default), each
# over runs of consecutive cases with its own reader of the deadlines'
# cache, then sorts and formats the lines in as many threads: every
# format is byte-identical whatever the number of threads, and to the
# list read without the index; so are the warnings, the unreadable
# files' count and the exit code, with the cache cold, warm or damaged.
. "$(dirname "$0")/lib.sh"
exec </dev/null

N=${FQ_T7030_CASES:-3000}
[ -z "$FQ_VG" ] || N=${FQ_T7030_CASES:-300}
export FQ_TODAY=2024-06-20
command -v python3 >/dev/null || { echo "1..0 # skip: no python3"; exit 0; }
python3 "$FQ_SOURCE_DIR/bench/gen.py" "$N" repo >/dev/null
fq list -C repo >/dev/null	# the index, warm from here on
ok "the index is warm" test -s repo/.git/fq/index

# lists JOBS DIR: every format, and --within
lists() {
	mkdir -p "$2"
	for f in table tsv json; do
		for w in 3 0 30; do
			FQ_DUE_JOBS=$1 fq due -C repo --format "$f" \
				--within "$w" >"$2/$f-$w" 2>"$2/$f-$w.err"
			echo "exit $?" >>"$2/$f-$w.err"
		done
	done
}

FQ_NOINDEX=1 lists 1 ref
lines=$(wc -l <ref/tsv-3)
# more than one block of formatted lines, except in the valgrind twin's
# smaller repository
min=1025
[ -z "$FQ_VG" ] || min=100
ok "the reference lists deadlines (more than $min lines)" \
	test "$lines" -gt "$min"
like "... red cases first" "$(sed -n 2p ref/tsv-3)" "	red	"
like "... and warns" "$(cat ref/tsv-3.err)" "warning: .*red case not reported"
rm -f repo/.git/fq/due
lists 2 cold
same_dirs "two threads, the deadlines' cache cold: as without the index" \
	ref cold
ok "... the cache written" test -s repo/.git/fq/due
lists 1 one
same_dirs "one thread, the cache warm: the same" ref one
lists 2 two
same_dirs "two threads: byte-identical to one" ref two
lists 3 three
same_dirs "three threads: the same" ref three
lists 8 eight
same_dirs "eight threads: the same" ref eight
unset FQ_DUE_JOBS
FQ_DUE_JOBS= lists "" default
same_dirs "the default (two): the same" ref default
lists 0 zero
same_dirs "FQ_DUE_JOBS=0 is one thread" ref zero
FQ_DUE_JOBS=2x fq due -C repo --format tsv >bad-jobs.out 2>bad-jobs.err
is "FQ_DUE_JOBS=2x: the same list" "$(cat bad-jobs.out)" "$(cat ref/tsv-3)"
like "... and a warning that it is no number" "$(cat bad-jobs.err)" \
	"fq-due: warning: FQ_DUE_JOBS: not a number of threads: '2x' \(using 2\)"

# the cache damaged all over: each reader computes its cases again
cp repo/.git/fq/due warm.due
size=$(wc -c <warm.due)
i=1
while [ $i -lt 40 ]; do
	dd if=/dev/urandom of=repo/.git/fq/due bs=1 count=32 conv=notrunc \
		seek=$((size / 3 + i * size / 70)) 2>/dev/null
	i=$((i + 1))
done
cp repo/.git/fq/due damaged.due
FQ_DUE_JOBS=2 fq due -C repo --format json >dmg.json 2>dmg.err
echo "exit $?" >>dmg.err
ok "a damaged cache: two threads, as without the index" \
	cmp ref/json-3 dmg.json
ok "... the same warnings" cmp ref/json-3.err dmg.err

# the index cold (the parts one after the other): the same
rm -f repo/.git/fq/index repo/.git/fq/index.log
lists 2 coldindex
same_dirs "the index cold, two threads asked: the same" ref coldindex

# unreadable files at both ends of the path order: counted the same
mkdir -p repo/cases/0000 repo/cases/9999
for i in 1 2 3; do
	printf 'id: [unclosed\n' >repo/cases/0000/bad-$i.yaml
	printf 'id: [unclosed\n' >repo/cases/9999/bad-$i.yaml
done
git -C repo add cases >/dev/null
git -C repo -c user.name=t -c user.email=t@example.org commit -q -m bad
fq list -C repo >/dev/null 2>&1
FQ_DUE_JOBS=1 fq due -C repo >bad1.out 2>bad1.err
echo "exit $?" >>bad1.err
FQ_DUE_JOBS=2 fq due -C repo >bad2.out 2>bad2.err
echo "exit $?" >>bad2.err
like "one thread: 6 unreadable files" "$(cat bad1.err)" \
	"6 case file\(s\) could not be read"
like "... exit 65" "$(cat bad1.err)" "^exit 65$"
ok "two threads: the same messages" cmp bad1.err bad2.err
ok "... and the same list" cmp bad1.out bad2.out
ok "... as before the bad files" cmp ref/table-3 bad2.out

done_testing
