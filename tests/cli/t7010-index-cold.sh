#!/bin/sh
# A cold index build: the blobs are read and parsed in each thread
# (FQ_INDEX_THREADS), fq's own YAML by the fast reader of lib/yread.c,
# anything else by libyaml.  Whatever the thread count, loose objects or
# a pack, and with hand-edited files the fast reader declines (comments,
# flow style, tabs, CRLF, anchors), the index file is byte-identical and
# every result equals the one read without any index (FQ_NOINDEX=1).
. "$(dirname "$0")/lib.sh"
exec </dev/null

export FQ_TODAY=2025-01-15
command -v python3 >/dev/null || { echo "1..0 # skip: no python3"; exit 0; }
python3 "$FQ_SOURCE_DIR/bench/gen.py" 400 repo >/dev/null
git -C repo config user.name gen
git -C repo config user.email gen@example.org

# hand edits: the same data in styles only libyaml reads
f=$(cd repo && git ls-files 'cases/*.yaml' | sed -n 3p)
g=$(cd repo && git ls-files 'cases/*.yaml' | sed -n 7p)
h=$(cd repo && git ls-files 'cases/*.yaml' | sed -n 11p)
k=$(cd repo && git ls-files 'cases/*.yaml' | sed -n 13p)
sed -i '1i # edited by hand' "repo/$f"
sed -i 's/^mediators:$/mediators: # who/' "repo/$g"
sed -i 's/$/\r/' "repo/$h"
sed -i 's/^title: /title:\t/' "repo/$k"
git -C repo commit -qam "hand edits"

reports() {	# reports TAG: the index built cold, then the results
	rm -f repo/.git/fq/index repo/.git/fq/index.log
	fq report -C repo --month 2024-11 --format json >"$1.report" 2>&1
	cp repo/.git/fq/index "$1.index"
	fq list -C repo >"$1.list" 2>&1
	fq due -C repo >"$1.due" 2>&1
}

FQ_NOINDEX=1 fq report -C repo --month 2024-11 --format json >ref.report 2>&1
FQ_NOINDEX=1 fq list -C repo >ref.list 2>&1
FQ_NOINDEX=1 fq due -C repo >ref.due 2>&1
ok "the reference report has cases" grep -q '"month"' ref.report

for pass in loose packed; do
	[ $pass = packed ] && git -C repo gc -q
	for t in 1 2 3; do
		FQ_INDEX_THREADS=$t reports $pass$t
		is "$pass, $t thread(s): report as without an index" \
			"$(cat $pass$t.report)" "$(cat ref.report)"
		is "$pass, $t thread(s): list as without an index" \
			"$(cat $pass$t.list)" "$(cat ref.list)"
		is "$pass, $t thread(s): due as without an index" \
			"$(cat $pass$t.due)" "$(cat ref.due)"
		ok "$pass, $t thread(s): the same index file as 1 thread" \
			cmp -s $pass$t.index loose1.index
	done
done

# the hand-edited files are read (by libyaml): a change there shows
sed -i 's/^title: .*/title: 手改的标题/' "repo/$f"
git -C repo commit -qam "retitled by hand"
rm -f repo/.git/fq/index repo/.git/fq/index.log
fq list -C repo >got 2>&1
FQ_NOINDEX=1 fq list -C repo >want 2>&1
is "a declined file's change is in the index" "$(cat got)" "$(cat want)"
like "and the case is listed with it" "$(cat got)" 手改的标题

done_testing
