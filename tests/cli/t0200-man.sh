#!/bin/sh
# The manual: every program has a page, mandoc finds nothing to warn
# about, and each page's SYNOPSIS is its program's --help usage (the rule
# of the common ground).  fq(7) draws the lifecycle; fq help VERB opens a
# page.
. "$(dirname "$0")/lib.sh"

man="$FQ_SOURCE_DIR/man"

# Whitespace (tabs too) squeezed to one space, none at either end.
squeeze() {
	tr '\t' ' ' | sed 's/  */ /g; s/^ //; s/ $//'
}

# The SYNOPSIS of a page as plain text, one line per synopsis line.
synopsis() {
	mandoc -T ascii -O width=1000 "$1" | col -bx |
		awk '/^SYNOPSIS *$/ { s = 1; next } /^[^ ]/ { s = 0 } s && NF' |
		squeeze
}

# The usage lines of a program's --help, without "usage: " / "   or: ".
usage_of() {
	"$1" --help | sed -n 's/^usage: //p; s/^   or: //p' | squeeze
}

lint() {	# lint PAGE: mandoc has nothing to say at warning level
	_l=$(mandoc -T lint -W warning "$1" 2>&1)
	is "$(basename "$1") is lint-clean" "$_l" ""
}

progs=fq
for src in "$FQ_SOURCE_DIR"/cmd/fq-*.c; do
	progs="$progs $(basename "$src" .c)"
done
nprogs=0
for p in $progs; do
	nprogs=$((nprogs + 1))
	page="$man/$p.1"
	if ! [ -f "$page" ]; then
		ok "man/$p.1 exists" test -f "$page"
		continue
	fi
	lint "$page"
	want=$(usage_of "$FQ_BUILD_DIR/bin/$p")
	like "$p --help has a usage line" "$want" "^$p "
	is "$p.1 SYNOPSIS is the usage of $p --help" "$(synopsis "$page")" "$want"
	body=$(mandoc -T ascii "$page" | col -bx)
	like "$p.1 names $p in NAME" "$body" "^ *$p - "
	for s in DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		like "$p.1 has $s" "$body" "^$s\$"
	done
done
# No page for a program that is not there (a stale page after a rename).
for page in "$man"/fq-*.1; do
	p=$(basename "$page" .1)
	ok "$p.1 documents a program that exists" test -f "$FQ_SOURCE_DIR/cmd/$p.c"
done
# fq(1) lists every command.
one=$(mandoc -T ascii "$man/fq.1" | col -bx)
for p in $progs; do
	[ "$p" = fq ] && continue
	like "fq.1 lists $p" "$one" "^ +$p\\(1\\) +[^ ]"
done
# The glob found the commands (a broken glob would make this test vacuous).
like "at least 28 programs were checked" "$nprogs" "^(2[89]|[3-9][0-9])$"

# The overview and the file format.
lint "$man/fq.7"
lint "$man/fq-case.5"
seven=$(mandoc -T utf8 "$man/fq.7" | col -bx)
like "fq.7 draws the lifecycle: reported --accept--> accepted" "$seven" \
	'\| reported \|-+> *\| accepted \|'
like "the diagram has mediating and agreed side by side" "$seven" \
	'\| mediating \|.*\| agreed \|'
like "and archived below closed" "$seven" '^ *\| archived \| *$'
codes=$(sed -n 's/^  - code: //p' "$FQ_SOURCE_DIR/schemas/enums/states.yaml")
like "states.yaml lists the seven states" "$(echo "$codes" | wc -l | tr -d ' ')" "^7$"
for st in $codes; do
	like "fq.7 names state $st" "$seven" "(^| )$st( |$|,|:)"
done
for t in T1 T2 T3 T4 T5 T6 T7 T8 T8a T9 T10 T11 T12 T13 T14 T15 T16 T17 \
    T18 T19 T20 T21; do
	like "fq.7 gives the command for $t" "$seven" "^ *$t +.*(fq|‘fq)"
done
for r in R1 R2 R3 R4 R6 R7 R8 R9 R10 R11 R14 R15 R16; do
	like "fq.7 gives deadline $r" "$seven" "^ *$r +[a-z_]+"
done
like "fq.7 gives the 4-hour report up" "$seven" "^ *R7 +report_red, 4 hours"
unlike "fq.7 no longer says R8 is not implemented" "$seven" "R8.*not implemented"
five=$(mandoc -T utf8 "$man/fq-case.5" | col -bx)
for f in $(sed -n 's/^    \([a-z_]*\): {.*/\1/p' "$FQ_SOURCE_DIR/schemas/case.yaml" | sort -u); do
	like "fq-case.5 describes field $f" "$five" "(^|[ .])$f( |$|:|,)"
done

# fq help VERB shows the page beside fq (build/share/man links man/).
MANPAGER=cat PAGER=cat fq help new >"$TEST_TMP/help" 2>"$TEST_TMP/e"
is "fq help new exits 0" "$?" 0
like "and shows the fq-new page" "$(cat "$TEST_TMP/help")" "fq-new.*register a case"
like "with its options" "$(cat "$TEST_TMP/help")" "--reported-on"
exits 2 "fq help with a bad name is a usage error" fq help ../x
like "naming it" "$(err)" "is not an fq command"
exits 2 "fq help of a command that does not exist is a usage error" fq help nosuch
like "naming it" "$(err)" "'nosuch' is not an fq command"
fq help >"$TEST_TMP/h" 2>&1
like "fq help alone lists the commands" "$(cat "$TEST_TMP/h")" "^  due "

# fq --help lists every command there is.
list=$(fq --help | sed -n 's/^  \([a-z-]*\)  .*/\1/p')
for src in "$FQ_SOURCE_DIR"/cmd/fq-*.c; do
	v=$(basename "$src" .c)
	v=${v#fq-}
	like "fq --help lists $v" "$list" "^$v\$"
done
for v in import export report; do
	like "fq --help lists $v (being written)" "$list" "^$v\$"
done
done_testing
