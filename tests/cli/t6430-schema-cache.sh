#!/bin/sh
# The compiled schema's cache ($XDG_CACHE_HOME/fq/schema, lib/schema.c):
# commands after the first take the schema from it, and an edit of
# schemas/ is seen by the very next command, whatever its length and time
# stamps; a damaged cache is ignored and written again.
. "$(dirname "$0")/lib.sh"
exec </dev/null

S=$TEST_TMP/schemas
cp -R "$FQ_BUILD_DIR/share/fq/schemas" "$S"
FQ_SCHEMA_DIR=$S
export FQ_SCHEMA_DIR
CACHE=$HOME/.cache/fq/schema
CATF=$S/enums/categories.yaml

make_repo
A=$(new_case --accepted 2024-03-05)
ok "a case" test -n "$A"
ok "the cache is written" test -n "$(ls "$CACHE")"
exits 0 "fq show" fq show -C repo "$A"
like "... the category's label" "$(out)" '纠纷类别 *房屋宅基地纠纷'

# The label edited, same length, the file's old times put back.
cp -p "$CATF" "$TEST_TMP/cat.orig"
sed 's/label: 房屋宅基地纠纷/label: 房屋宅基地争议/' "$TEST_TMP/cat.orig" >"$CATF"
touch -r "$TEST_TMP/cat.orig" "$CATF"
is "... same size" "$(wc -c <"$CATF")" "$(wc -c <"$TEST_TMP/cat.orig")"
exits 0 "fq show after the edit" fq show -C repo "$A"
like "... the new label" "$(out)" '纠纷类别 *房屋宅基地争议'
unlike "... not the cached one" "$(out)" '纠纷类别 *房屋宅基地纠纷'
exits 0 "again (now from the cache)" fq show -C repo "$A"
like "... the new label still" "$(out)" '纠纷类别 *房屋宅基地争议'

# A code added: the next command takes it, as the files say.
exits 2 "an unknown category (usage)" fq new -C repo --title 第二件 \
	--category zz_new --summary 摘要 --party 王某 --accepted 2024-03-06
printf '  - code: zz_new\n    label: 新类别\n' >>"$CATF"
exits 0 "... known once added to the file" fq new -C repo --title 第二件 \
	--category zz_new --summary 摘要 --party 王某 --accepted 2024-03-06
B=$(out)
exits 0 "... shown with its label" fq show -C repo "$B"
like "... 新类别" "$(out)" '新类别'

# A damaged cache (every file of it): ignored, then written whole again.
for f in "$CACHE"/*; do
	printf 'garbage' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
done
exits 0 "fq show with a damaged cache" fq show -C repo "$A"
like "... the files' label" "$(out)" '纠纷类别 *房屋宅基地争议'
exits 0 "fq check" fq check -C repo
cp "$TEST_TMP/cat.orig" "$CATF"
exits 0 "the file put back" fq show -C repo "$A"
like "... the old label again" "$(out)" '纠纷类别 *房屋宅基地纠纷'
exits 1 "fq check: the second case's category is unknown again" \
	fq check -C repo
like "... it names it" "$(out; err)" 'zz_new'
is "git status is clean" "$(git -C repo status --porcelain)" ""

# FQ_SCHEMA_CACHE=0: no cache read or written.
rm -rf "$CACHE"
FQ_SCHEMA_CACHE=0 fq show -C repo "$A" >/dev/null
ok "FQ_SCHEMA_CACHE=0 writes none" test ! -e "$CACHE"
done_testing
