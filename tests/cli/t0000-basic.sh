#!/bin/sh
# Every program: --help, --version, unknown options; fq's dispatch.
. "$(dirname "$0")/lib.sh"
exec </dev/null

BIN=$FQ_BUILD_DIR/bin
nprogs=0
for p in "$BIN"/fq "$BIN"/fq-*; do
	[ -x "$p" ] || continue
	name=${p##*/}
	nprogs=$((nprogs + 1))
	exits 0 "$name --help exits 0" "$p" --help
	like "$name --help prints usage on stdout" "$(out)" '^usage: '
	is "$name --help prints nothing on stderr" "$(err)" ""
	exits 0 "$name --version exits 0" "$p" --version
	like "$name --version names the version" "$(out)" '[0-9]+\.[0-9]+'
	exits 2 "$name --no-such-option exits 2" "$p" --no-such-option
	like "$name: usage on stderr for an unknown option" "$(err)" 'usage: '
	is "$name: nothing on stdout for an unknown option" "$(out)" ""
done
# fq and at least the eight verbs of the first milestone
ok "found fq and the fq-* programs ($nprogs)" test "$nprogs" -ge 9
for v in init new show list note edit log check; do
	ok "fq-$v is built" test -x "$BIN/fq-$v"
done

# Dispatch: fq VERB runs fq-VERB beside fq, even when that is not on PATH.
make_repo
ID=$(new_case)
is "a case to list" "$ID" QSZ-2024-000001
mkdir -p inst/bin inst/share/fq
cp "$BIN/fq" "$BIN/fq-list" inst/bin/
ln -s "$FQ_SOURCE_DIR/schemas" inst/share/fq/schemas
INST=$TEST_TMP/inst/bin
exits 0 "fq list runs fq-list beside fq, not on PATH" \
	env PATH=/usr/bin:/bin "$INST/fq" -C "$TEST_TMP/repo" list
like "fq list lists the case" "$(out)" '^QSZ-2024-000001 '
like "fq list prints the header" "$(out)" '^ID +状态'
exits 0 "fq list --format tsv passes its options through" \
	env PATH=/usr/bin:/bin "$INST/fq" -C "$TEST_TMP/repo" list --format tsv
like "tsv through fq" "$(out)" '^QSZ-2024-000001	accepted	'
exits 2 "fq new with no fq-new beside fq nor on PATH exits 2" \
	env PATH=/usr/bin:/bin "$INST/fq" -C "$TEST_TMP/repo" new
like "... and says so" "$(err)" "new"
is "... and committed nothing" "$(commits repo)" 2
exits 2 "fq nosuchverb exits 2" env PATH=/usr/bin:/bin "$INST/fq" nosuchverb
like "... naming the verb" "$(err)" nosuchverb
exits 2 "fq nosuchverb exits 2 (build dir)" fq nosuchverb
exits 2 "fq ../x exits 2" fq ../x
like "... not an fq command" "$(err)" 'not an fq command'
# A verb that escapes the directory is refused even if the file exists.
mkdir -p "$TEST_TMP/x"
printf '#!/bin/sh\necho escaped\n' >"$TEST_TMP/inst/x"
chmod +x "$TEST_TMP/inst/x"
exits 2 "fq ../x does not run ../x" "$INST/fq" ../x
unlike "... nothing ran" "$(out)" escaped
exits 2 "fq /bin/true exits 2" fq /bin/true
exits 2 "fq with no verb exits 2" fq
like "... with usage on stderr" "$(err)" 'usage: '

# Then on PATH, like git.
mkdir -p ext
printf '#!/bin/sh\necho "hello from fq-hello: $*"\n' >ext/fq-hello
chmod +x ext/fq-hello
exits 0 "fq VERB finds fq-VERB on PATH" \
	env PATH="$TEST_TMP/ext:/usr/bin:/bin" "$INST/fq" hello a b
is "... and passes the arguments" "$(out)" "hello from fq-hello: a b"

# -C before the verb.
mkdir elsewhere
cd elsewhere
exits 0 "fq -C DIR list works from another directory" fq -C ../repo list
like "... listing that repository" "$(out)" '^QSZ-2024-000001 '
exits 0 "fq-list -C DIR works too" fq-list -C "$TEST_TMP/repo" --format tsv
like "... listing that repository" "$(out)" '^QSZ-2024-000001	'
exits 2 "fq -C with no directory exits 2" fq -C
cd "$TEST_TMP"
exits 0 "FQ_DIR names the repository" env FQ_DIR="$TEST_TMP/repo" fq list
like "... listing it" "$(out)" '^QSZ-2024-000001 '

done_testing
