#!/bin/sh
# The Chinese manual (man/zh_CN/): every English page has a twin of the
# same name and no twin is left without one; mandoc finds nothing to warn
# about; a twin's SYNOPSIS, the options it documents (.Fl), the pages and
# variables it names (.Xr, .Ev), its literal examples and its exit codes
# are the English page's, so an option added to the English page alone
# fails here; and after cmake --install, man(1) under a zh_CN.UTF-8 locale
# opens the Chinese page and under C.UTF-8 the English one.
. "$(dirname "$0")/lib.sh"

en="$FQ_SOURCE_DIR/man"
zh="$FQ_SOURCE_DIR/man/zh_CN"

squeeze() {
	tr '\t' ' ' | sed 's/  */ /g; s/^ //; s/ $//'
}

# The SYNOPSIS of a page as plain text, one line per synopsis line.
synopsis() {
	mandoc -K utf-8 -T ascii -O width=1000 "$1" | col -bx |
		awk '/^SYNOPSIS *$/ { s = 1; next } /^[^ ]/ { s = 0 } s && NF' |
		squeeze
}

# The arguments of every MACRO call (Fl, Xr, Ev) outside the SYNOPSIS,
# one a line, sorted and unique.  Xr keeps its section: "fq-new 1".
macro_args() {	# macro_args MACRO PAGE
	awk -v m="$1" '
	/^\.Sh / { s = ($2 == "SYNOPSIS"); next }
	s || !/^\./ { next }
	{
		for (i = 1; i < NF; i++) {
			if ($i != m && $i != "." m)
				continue
			if (m == "Xr")
				print $(i + 1) " " $(i + 2)
			else
				print $(i + 1)
		}
	}' "$2" | sort -u
}

# The lines of every literal display (.Bd -literal ... .Ed), in order.
literals() {
	awk '/^\.Bd -literal/ { l = 1; next } /^\.Ed/ { l = 0 } l' "$1"
}

# The numbers in the EXIT STATUS section (退出状态 in Chinese).
exit_codes() {
	awk '/^\.Sh / { s = ($0 ~ /^\.Sh (EXIT STATUS|退出状态)$/); next } s' \
	    "$1" | grep -oE '[0-9]+' | sort -un
}

# Every English page has a twin and every twin an English page.
npages=0
for page in "$en"/*.[1-9]; do
	npages=$((npages + 1))
	ok "zh_CN/$(basename "$page") exists" test -f "$zh/$(basename "$page")"
done
for page in "$zh"/*.[1-9]; do
	ok "zh_CN/$(basename "$page") translates a page that exists" \
		test -f "$en/$(basename "$page")"
done
like "at least 35 pages were checked" "$npages" "^(3[5-9]|[4-9][0-9])$"

for page in "$en"/*.[1-9]; do
	name=$(basename "$page")
	twin="$zh/$name"
	[ -f "$twin" ] || continue
	l=$(mandoc -K utf-8 -T lint -W warning "$twin" 2>&1)
	is "zh_CN/$name is lint-clean" "$l" ""
	ok "zh_CN/$name is UTF-8" iconv -f UTF-8 -t UTF-8 "$twin"
	like "zh_CN/$name has Chinese prose" "$(cat "$twin")" "[的是在]"
	is "zh_CN/$name has the .Dt of $name" "$(grep '^\.Dt' "$twin")" \
		"$(grep '^\.Dt' "$page")"
	want=$(synopsis "$page")
	if grep -q '^\.Sh SYNOPSIS' "$page"; then
		like "$name has a SYNOPSIS" "$want" "[a-z]"
	fi
	is "zh_CN/$name SYNOPSIS is the English one" "$(synopsis "$twin")" "$want"
	for m in Fl Xr Ev; do
		is "zh_CN/$name documents the same .$m as $name" \
			"$(macro_args $m "$twin")" "$(macro_args $m "$page")"
	done
	is "zh_CN/$name has the literal examples of $name" \
		"$(literals "$twin")" "$(literals "$page")"
	is "zh_CN/$name gives the exit codes of $name" \
		"$(exit_codes "$twin")" "$(exit_codes "$page")"
done

# The checks above can fail: a twin without an option of its page.
sed '/^\.It Fl/,$d' "$zh/fq-new.1" >"$TEST_TMP/short.1"
isnt=$(macro_args Fl "$TEST_TMP/short.1")
want=$(macro_args Fl "$en/fq-new.1")
like "fq-new.1 documents --reported-on" "$want" '^.-reported.-on$'
ok "a twin missing an option differs from its page" test "$isnt" != "$want"

# Rendered, the Chinese headings are there.
body=$(mandoc -K utf-8 -T utf8 "$zh/fq-new.1" | col -bx)
for h in 描述 选项 退出状态 示例 参见; do
	like "zh_CN/fq-new.1 renders the heading $h" "$body" "^$h\$"
done
like "and its NAME line is Chinese" "$body" "^ +fq-new – 登记"

# Installed, man(1) (man-db) picks MANPATH/zh_CN/man1 under a zh_CN
# locale.  man-db takes the language from setlocale(LC_MESSAGES), which
# fails for a locale that is not compiled, so zh_locale (lib.sh) compiles
# one (locales ships /usr/share/i18n/locales/zh_CN) under LOCPATH.
prefix="$TEST_TMP/prefix"
ok "cmake --install to a temporary prefix" \
	cmake --install "$FQ_BUILD_DIR" --prefix "$prefix"
for p in fq.1 fq-new.1 fq-withdraw.1; do
	ok "zh_CN/man1/$p installed" test -f "$prefix/share/man/zh_CN/man1/$p"
done
ok "zh_CN/man5/fq-case.5 installed" test -f "$prefix/share/man/zh_CN/man5/fq-case.5"
ok "zh_CN/man7/fq.7 installed" test -f "$prefix/share/man/zh_CN/man7/fq.7"
is "as many Chinese pages installed as English ones" \
	"$(ls "$prefix"/share/man/zh_CN/man*/* | wc -l)" \
	"$(ls "$prefix"/share/man/man[157]/* | wc -l)"
ok "the zh_CN.UTF-8 locale is there or compiled (zh_locale)" zh_locale
manw() {	# manw LANG [SECTION] PAGE: where man(1) finds PAGE under LANG
	_lang=$1
	shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE ${ZH_LOCPATH:+LOCPATH="$ZH_LOCPATH"} \
		LANG="$_lang" MANPATH="$prefix/share/man" man -w "$@" 2>&1
}
is "man finds zh_CN fq-new(1) under LANG=zh_CN.UTF-8" \
	"$(manw zh_CN.UTF-8 fq-new)" "$prefix/share/man/zh_CN/man1/fq-new.1"
is "and zh_CN fq-case(5)" "$(manw zh_CN.UTF-8 5 fq-case)" \
	"$prefix/share/man/zh_CN/man5/fq-case.5"
is "and zh_CN fq(7)" "$(manw zh_CN.UTF-8 7 fq)" \
	"$prefix/share/man/zh_CN/man7/fq.7"
is "man finds the English fq-new(1) under LANG=C.UTF-8" \
	"$(manw C.UTF-8 fq-new)" "$prefix/share/man/man1/fq-new.1"
MANPATH="$prefix/share/man" man -L zh_CN.UTF-8 -w fq-agree >"$TEST_TMP/w" 2>&1
is "man -L zh_CN finds it without the locale" "$(cat "$TEST_TMP/w")" \
	"$prefix/share/man/zh_CN/man1/fq-agree.1"
env -u LC_ALL ${ZH_LOCPATH:+LOCPATH="$ZH_LOCPATH"} LANG=zh_CN.UTF-8 \
	MANPATH="$prefix/share/man" MANPAGER=cat PAGER=cat MANWIDTH=80 \
	man fq-new >"$TEST_TMP/page" 2>"$TEST_TMP/e"
like "man shows the Chinese page" "$(cat "$TEST_TMP/page")" "登记"

# fq help VERB opens the Chinese page under a Chinese locale, installed
# and in the build tree, and the English one otherwise.
zhenv() {
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE ${ZH_LOCPATH:+LOCPATH="$ZH_LOCPATH"} \
		LANG=zh_CN.UTF-8 MANPAGER=cat PAGER=cat MANWIDTH=80 "$@"
}
zhenv "$prefix/bin/fq" help new >"$TEST_TMP/help" 2>"$TEST_TMP/e"
is "installed fq help new exits 0 under zh_CN.UTF-8" "$?" 0
like "and shows the Chinese page" "$(cat "$TEST_TMP/help")" "fq-new.*登记案件"
like "with its options" "$(cat "$TEST_TMP/help")" "--reported-on"
zhenv fq help agree >"$TEST_TMP/help" 2>"$TEST_TMP/e"
like "fq help agree in the build tree shows the Chinese page" \
	"$(cat "$TEST_TMP/help")" "fq-agree.*登记调解协议"
MANPAGER=cat PAGER=cat "$prefix/bin/fq" help new >"$TEST_TMP/help" 2>&1
like "under C.UTF-8 fq help new is English" "$(cat "$TEST_TMP/help")" \
	"fq-new.*register a case"

# The build tree links man/zh_CN/ as it links man/.
ok "build/share/man/zh_CN/man1 has fq-new.1" \
	test -f "$FQ_BUILD_DIR/share/man/zh_CN/man1/fq-new.1"
done_testing
