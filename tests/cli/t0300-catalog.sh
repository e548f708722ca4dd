#!/bin/sh
# The zh_CN catalog is complete: every message of the current sources
# (extracted as 'make po' does) has a translation, none fuzzy, and the
# format directives of each translation match its msgid (msgfmt -c).  And
# the check itself catches a new message nobody translated.
. "$(dirname "$0")/lib.sh"

for p in xgettext msgmerge msgattrib msgfmt; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "1..0 # SKIP $p (gettext) is not installed"
		exit 0
	fi
done

# check SRC LANG: merge LANG.po of SRC with SRC's messages into merged.po;
# print what is wrong
check() {
	rm -f merged.po fresh.pot
	sh "$1/po/xgettext.sh" "$1" "$PWD/fresh.pot" 2>/dev/null || {
		echo "xgettext failed"; return; }
	msgmerge --quiet --no-fuzzy-matching --no-wrap -o merged.po \
		"$1/po/$2.po" fresh.pot || { echo "msgmerge failed"; return; }
	msgattrib --untranslated --no-obsolete --no-wrap merged.po |
		grep '^msgid ' | grep -v '^msgid ""$' | sed 's/^/untranslated: /'
	msgattrib --only-fuzzy --no-obsolete --no-wrap merged.po |
		grep '^msgid ' | grep -v '^msgid ""$' | sed 's/^/fuzzy: /'
	# the committed catalog itself, fuzzy entries included
	msgfmt --check --check-format -o /dev/null "$1/po/$2.po" 2>&1
	msgfmt --check --check-format -o /dev/null merged.po 2>&1
}

for lang in $(cat "$FQ_SOURCE_DIR/po/LINGUAS"); do
	problems=$(check "$FQ_SOURCE_DIR" $lang)
	is "$lang: every message translated, none fuzzy, formats match" \
		"$problems" ""
	n=$(grep -c '^msgid ' fresh.pot)
	like "$lang: the sources have hundreds of messages ($((n - 1)))" \
		"$n" '^[0-9]{3,}$'
	like "$lang: msgfmt counts them all translated" \
		"$(msgfmt --statistics -o /dev/null merged.po 2>&1)" \
		"^$((n - 1)) translated messages\\.$"
done

# The check catches a new message, a fuzzy one and a bad format.
mkdir -p copy && cp -R "$FQ_SOURCE_DIR/cmd" "$FQ_SOURCE_DIR/lib" \
	"$FQ_SOURCE_DIR/po" copy/
cat >copy/cmd/zz-new.c <<'EOC'
static int f(struct fq_cli *cli) { return fq_cli_fail(cli, 1, "a brand new message %s", "x"); }
static int g(struct fq_error *err) { return fq_error_set(err, -1, "another new one, from lib %d", 3); }
EOC
problems=$(check "$PWD/copy" zh_CN)
like "a new fq_cli_fail message is caught as untranslated" "$problems" \
	'untranslated: msgid "a brand new message %s"'
like "so is a new fq_error_set message" "$problems" \
	'untranslated: msgid "another new one, from lib %d"'
rm copy/cmd/zz-new.c

cp "$FQ_SOURCE_DIR/po/zh_CN.po" copy/po/zh_CN.po
# a translation that drops a %s, and one marked fuzzy
awk '
	/^msgid "--party .%s.: the name is empty"$/ { print; getline; print "msgstr \"--party：姓名为空\""; next }
	/^msgid "give one case ID"$/ { print "#, fuzzy"; }
	{ print }' "$FQ_SOURCE_DIR/po/zh_CN.po" >copy/po/zh_CN.po
problems=$(check "$PWD/copy" zh_CN)
like "a translation that drops a directive is caught" "$problems" \
	'number of format specifications'
like "a fuzzy translation is caught" "$problems" \
	'fuzzy: msgid "give one case ID"'

done_testing
