#!/bin/sh
# t4100: a county report reads its townships in parallel
# (FQ_REPORT_THREADS) and gives the same bytes, the same errors and the
# same exit code as reading them one after another: township repositories,
# a bare mirror and a bare county repository with one branch per township,
# cold (no index yet) and warm.
. "${FQ_SOURCE_DIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

export FQ_TODAY=2024-06-20 XDG_CACHE_HOME="$TEST_TMP/cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
unset FQ_REPORT_THREADS FQ_INDEX_THREADS

mkdir county
for i in 0 1 2 3 4 5; do
	# 70 cases: some townships above the 64 that start parse threads
	python3 "$FQ_SOURCE_DIR/bench/gen.py" $((40 + i * 6)) county/T00$i \
		--unit T00$i --seed $((i + 1)) >/dev/null
	sed -i "s/^town: .*/town: 第${i}镇/" county/T00$i/fq.yaml
	git -C county/T00$i commit -qam town
done
# T002 as a bare mirror (read at its HEAD), T005 in a bare county
# repository with a branch per township
git clone -q --bare county/T002 county/T002.git
rm -rf county/T002
git init -q --bare up.git
git -C county/T005 push -q "$TEST_TMP/up.git" HEAD:refs/heads/T005
git -C county/T004 push -q "$TEST_TMP/up.git" HEAD:refs/heads/T004
rm -rf county/T005

# report FILE THREADS FORMAT: the county report, its exit code and stderr
report() {
	FQ_REPORT_THREADS=$2 fq report --county county --county up.git \
		--month 2024-06 --format "$3" >"$1" 2>"$1.err"
	echo $? >"$1.rc"
}
same() {	# same DESCRIPTION A B: files A, A.err and A.rc equal B's
	_n=$((_n + 1))
	if cmp -s "$2" "$3" && cmp -s "$2.err" "$3.err" &&
	    cmp -s "$2.rc" "$3.rc"; then
		echo "ok $_n - $1"
	else
		echo "not ok $_n - $1"
		diff "$2.err" "$3.err" | head -5 | sed 's/^/#   /'
		cmp "$2" "$3" | sed 's/^/#   /'
		_failed=$((_failed + 1))
	fi
}

report cold4.json 4 json
is "cold, 4 threads: exit 0" "$(cat cold4.json.rc)" 0
# T004 twice (its repository and its branch): one row, counted twice
is "a row per township" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["by_unit"]))' cold4.json)" 6
ok "the views of the bare repositories cached" test -n "$(ls cache/fq/views)"
ok "the township repositories' own index" test -f county/T000/.git/fq/index
for f in json csv text; do
	report seq.$f 1 $f
	report par.$f 4 $f
	same "warm, $f: 1 thread and 4 the same" seq.$f par.$f
done
same "cold and warm the same" cold4.json seq.json
is "the figures add up" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(sum(u["figures"]["new"] for u in r["by_unit"].values()) ==
    r["figures"]["new"] and r["figures"]["new"] > 0)' seq.json)" True
report two.json 2 json
same "2 threads the same" seq.json two.json
rm -rf cache/fq/views county/T00*/.git/fq
report cold1.json 1 json
same "cold, 1 thread: the same" seq.json cold1.json

# unreadable case files in two townships: named in township order
for t in T001 T004; do
	printf 'id: [broken\n' >county/$t/cases/2024/06/$t-2024-999999.yaml
	git -C county/$t add cases && git -C county/$t commit -qm broken
done
report bad1.json 1 json
report bad4.json 4 json
is "unreadable files: exit 65" "$(cat bad1.json.rc)" 65
like "... both named, T001 first" "$(cat bad1.json.err)" \
	"2 case file.*T001/cases/2024/06/T001-2024-999999.yaml, .*T004-2024-999999"
same "... the same with 4 threads" bad1.json bad4.json

# a township that cannot be opened stops the report there, as before
mkdir county/T0011 && cp county/T001/fq.yaml county/T0011/ &&
	mkdir county/T0011/.git
report open1.json 1 json
report open4.json 4 json
is "a broken township: exit 1" "$(cat open1.json.rc)" 1
like "... named" "$(cat open1.json.err)" "T0011"
unlike "... and not the unreadable files" "$(cat open1.json.err)" \
	"case file"
same "... the same with 4 threads" open1.json open4.json

# the views of a branch and of a mirror that are gone are pruned;
# nothing else under the views directory is touched
mkdir cache/fq/views/0123456789abcdef && echo mine >cache/fq/views/0123456789abcdef/x
echo mine >cache/fq/views/notes
is "T004's branch has its view" "$(grep -l refs/heads/T004 cache/fq/views/*/view | wc -l)" 1
git -C up.git update-ref -d refs/heads/T004
rm -rf county/T0011
report keep.json 4 json
views() { grep -l "$1" cache/fq/views/*/view 2>/dev/null | wc -l; }
is "a view per bare branch, marked" "$(views refs/heads/T005)/$(views T002.git)" 1/1
mv county/T002.git gone.git
report prune.json 4 json
is "the views of the deleted branch and mirror pruned" "$(views refs/heads/T004)/$(views T002.git)" 0/0
is "... the others kept" "$(views refs/heads/T005)" 1
ok "... and what fq did not make" test -f cache/fq/views/0123456789abcdef/x -a -f cache/fq/views/notes

done_testing
