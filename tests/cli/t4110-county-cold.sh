#!/bin/sh
# t4110: a cold county report reads the townships' loose blobs without
# libgit2 (lib/loose.c), and gives what reading them through libgit2 and
# without any index gives: the same report cold, warm and FQ_NOINDEX=1,
# the same index file in a bare view's cache as in the township's own
# repository; a damaged loose blob is a case file named as unreadable
# (exit 65), the other townships still read; a damaged loose copy of an
# object that is also in a pack is read from the pack.
. "${FQ_SOURCE_DIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

export FQ_TODAY=2024-06-20 XDG_CACHE_HOME="$TEST_TMP/cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
unset FQ_REPORT_THREADS FQ_INDEX_THREADS FQ_NOINDEX

mkdir county views
for i in 0 1 2; do
	python3 "$FQ_SOURCE_DIR/bench/gen.py" 90 county/T00$i --unit T00$i \
		--seed $((i + 7)) >/dev/null
	sed -i "s/^town: .*/town: 第${i}镇/" county/T00$i/fq.yaml
	git -C county/T00$i commit -qam town
	ln -s "$TEST_TMP/county/T00$i/.git" views/T00$i
done
is "the blobs are loose" "$(git -C county/T001 count-objects -v | sed -n 's/^packs: //p')" 0

report() {	# report FILE THREADS DIR: the county report, exit code, stderr
	FQ_REPORT_THREADS=$2 fq report --county "$3" --month 2024-06 \
		--format json >"$1" 2>"$1.err"
	echo $? >"$1.rc"
}

FQ_NOINDEX=1 report ref.json 1 views
is "without an index: exit 0" "$(cat ref.json.rc)" 0
for t in 1 2; do
	rm -rf cache
	report cold$t.json $t views
	is "cold, $t thread(s): exit 0" "$(cat cold$t.json.rc)" 0
	ok "... as without an index" cmp -s ref.json cold$t.json
	report warm$t.json $t views
	ok "... and warm" cmp -s ref.json warm$t.json
done
# a township's own index, built by a report in it, is the view's
fq report -C county/T001 --month 2024-06 >/dev/null
v=$(grep -l T001 cache/fq/views/*/view | head -1)
ok "the index of a view as the township's own" \
	cmp -s "${v%/view}/index" county/T001/.git/fq/index

# a loose blob of T001 damaged: that file named, the others read
f=$(cd county/T001 && git ls-files 'cases/*.yaml' | sed -n 5p)
o=$(git -C county/T001 rev-parse "HEAD:$f")
obj=county/T001/.git/objects/$(echo "$o" | cut -c1-2)/$(echo "$o" | cut -c3-)
cp "$obj" good.obj
chmod u+w "$obj"
head -c 40 good.obj >"$obj"
for t in 1 2; do
	rm -rf cache
	report bad$t.json $t views
	is "a truncated blob, $t thread(s): exit 65" "$(cat bad$t.json.rc)" 65
	like "... the file named" "$(cat bad$t.json.err)" "1 case file.*T001/(\.git/)?$f"
done
ok "... the same with 1 thread and 2" cmp -s bad1.json bad2.json
printf 'x\234garbage' >"$obj"
rm -rf cache
report junk.json 2 views
is "a blob that is not zlib: exit 65" "$(cat junk.json.rc)" 65
like "... the file named" "$(cat junk.json.err)" "T001/(\.git/)?$f"

# the objects packed, the damaged loose copy left beside the pack:
# read from the pack, as libgit2 reads it
rm -f "$obj"
cp good.obj "$obj"
git -C county/T001 repack -qad
is "T001 packed" "$(git -C county/T001 count-objects -v | sed -n 's/^packs: //p')" 1
mkdir -p "$(dirname "$obj")"
head -c 40 good.obj >"$obj"
rm -rf cache
report packed.json 2 views
is "a damaged loose copy of a packed blob: exit 0" "$(cat packed.json.rc)" 0
ok "... the report as before" cmp -s ref.json packed.json

done_testing
