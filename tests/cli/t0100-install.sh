#!/bin/sh
# cmake --install puts the programs, schemas and man pages in place, and an
# installed fq finds its schemas relative to itself (no FQ_SCHEMA_DIR).
. "$(dirname "$0")/lib.sh"

prefix="$TEST_TMP/prefix"
ok "cmake --install to a temporary prefix" \
	cmake --install "$FQ_BUILD_DIR" --prefix "$prefix"
for p in fq fq-init fq-new fq-show fq-list fq-note fq-edit fq-log fq-check; do
	ok "bin/$p installed" test -x "$prefix/bin/$p"
done
ok "case schema installed" test -f "$prefix/share/fq/schemas/case.yaml"
ok "categories installed" test -f "$prefix/share/fq/schemas/enums/categories.yaml"
ok "holiday calendar installed" test -f "$prefix/share/fq/schemas/holidays/2024.yaml"
ok "fq.7 installed" test -f "$prefix/share/man/man7/fq.7"
ok "fq-new.1 installed" test -f "$prefix/share/man/man1/fq-new.1"
ok "the zh_CN catalog installed" \
	test -f "$prefix/share/locale/zh_CN/LC_MESSAGES/fq.mo"

# Run the installed copy from a directory where the build tree is not
# reachable: only PATH=prefix/bin.
PATH="$prefix/bin:/usr/bin:/bin"
export PATH
ok "installed fq init" fq init repo --unit QSZ --name 青山镇人民调解委员会
ok "installed fq new finds the schemas" fq -C repo new --title t --category 邻里纠纷 \
	--summary s --party 甲 --accepted 2024-03-05
is "the new case has the R1 due date from the installed calendar" \
	"$(fq -C repo list --format tsv | cut -f7 | tail -1)" "2024-04-07"

# A county edits its installed categories: a new category works at once.
cat >> "$prefix/share/fq/schemas/enums/categories.yaml" <<'YAML'
  - code: water_supply
    label: 供水纠纷
    pinyin: gsjf
YAML
ok "a category added to the installed schema is accepted without a rebuild" \
	fq -C repo new --title t2 --category 供水纠纷 --summary s --party 乙
like "and it is stored by its code" "$(cat repo/cases/2024/03/*.yaml repo/cases/*/*/*.yaml 2>/dev/null)" \
	"category: water_supply"

# FQ_SCHEMA_DIR overrides.
mkdir -p "$TEST_TMP/empty"
FQ_SCHEMA_DIR="$TEST_TMP/empty" fq -C repo list >/dev/null 2>"$TEST_TMP/e"
like "FQ_SCHEMA_DIR pointing nowhere is an error naming it" "$(cat "$TEST_TMP/e")" "empty"
# The installed programs find the installed catalog beside them.
if zh_locale; then
	zh fq -C repo show nope 2>"$TEST_TMP/e"
	like "installed: messages in Chinese from share/locale" \
		"$(cat "$TEST_TMP/e")" '不是案件编号'
fi
done_testing
