#!/bin/sh
# update.sh SRCDIR: regenerate po/fq.pot from the sources and merge it into
# every po/LL.po of po/LINGUAS (new messages come in untranslated, changed
# ones fuzzy: translate them, then 'make po' again is a no-op).
set -eu
src=$(cd "$1" && pwd)
"$src/po/xgettext.sh" "$src" "$src/po/fq.pot"
for lang in $(cat "$src/po/LINGUAS"); do
	msgmerge --quiet --update --backup=none --no-wrap --sort-by-file \
		"$src/po/$lang.po" "$src/po/fq.pot"
	printf '%s: ' "$lang"
	msgfmt --check --check-format --statistics -o /dev/null \
		"$src/po/$lang.po"
done
