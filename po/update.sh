#!/bin/sh
# update.sh SRCDIR: regenerate po/fq.pot from the sources and merge it into
# every po/LL.po of po/LINGUAS (new messages come in untranslated, changed
# ones fuzzy: translate them, then 'make po' again is a no-op).
set -eu
src=$(cd "$1" && pwd)
tmp=$(mktemp "${TMPDIR:-/tmp}/fq.pot.XXXXXX")
trap 'rm -f "$tmp"' EXIT
"$src/po/xgettext.sh" "$src" "$tmp"
# a new date alone is no change
if ! [ -f "$src/po/fq.pot" ] || ! diff -q -I '^"POT-Creation-Date:' \
    "$src/po/fq.pot" "$tmp" >/dev/null; then
	cp "$tmp" "$src/po/fq.pot"
fi
for lang in $(cat "$src/po/LINGUAS"); do
	msgmerge --quiet --update --backup=none --no-wrap --sort-output \
		--no-location \
		"$src/po/$lang.po" "$src/po/fq.pot"
	printf '%s: ' "$lang"
	msgfmt --check --check-format --statistics -o /dev/null \
		"$src/po/$lang.po"
done
