#!/bin/sh
# Hostile input: a 100 MB case file, deep nesting, invalid UTF-8, NUL
# bytes, symbolic links where case files or directories should be, a
# case file edited by hand to a duplicate ID, paths with "..".  Every
# command fails cleanly (65 bad data, 2 usage, 1), writes nothing outside
# the repository, and never crashes.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
A=$(new_case)
B=$(new_case)
C=$(new_case)
F=repo/cases/2024/03/$A.yaml
FB=repo/cases/2024/03/$B.yaml
good=$(cat "$F")
commit_by_hand() {	# commit the working tree as a clerk with git would
	git -C repo add -A cases && git -C repo -c user.name=x -c user.email=x@y \
		commit -q -m "$1"
}
restore() {
	git -C repo reset -q --hard "$BASE"
	git -C repo clean -qfdx cases
}
BASE=$(git -C repo rev-parse HEAD)
crashed() {	# exit status of a crash: signals are 128+N
	[ "$1" -ge 128 ] && [ "$1" != 0 ]
}
# (under valgrind, ten times the time; the memory is valgrind's, not told)
LIMIT=60
[ -z "$FQ_VG" ] || LIMIT=600
runs() {	# runs DESCRIPTION WANT COMMAND...: exits WANT, in bounded time/memory
	_d=$1 _w=$2; shift 2
	exits "$_w" "$_d" /usr/bin/time -f '%M' -o "$TEST_TMP/.mem" \
		timeout $LIMIT "$@"
}
small_rss() {	# small_rss: the last runs stayed under 64 MiB
	if [ -n "$FQ_VG" ]; then
		_n=$((_n + 1))
		echo "ok $_n # SKIP the RSS under valgrind is valgrind's"
		return
	fi
	ok "... without reading it all into memory" test "$mem" -lt 65536
}

# 1. A 100 MB case file, committed, and in the working tree.
{ printf 'id: %s\ntitle: "' "$A"; head -c 104857600 /dev/zero | tr '\0' x; printf '"\n'; } >"$F"
ok "the case file is over 100 MB" test "$(wc -c <"$F")" -gt 104857600
commit_by_hand "a 100 MB file"
runs "fq show of a 100 MB case file: bad data" 65 fq show -C repo "$A"
like "... says it is too large" "$(err)" 'too large'
mem=$(tail -1 "$TEST_TMP/.mem")
echo "# fq show on 100 MB: max RSS $mem KiB"
small_rss
runs "fq note on it: bad data, nothing written" 65 fq note -C repo "$A" 文字
N=$(commits repo)
runs "fq list: bad data (65), but lists the other cases" 65 fq list -C repo
like "... lists them" "$(out)" "^$B"
like "... and warns about the big one" "$(err)" "could not be read"
mem=$(tail -1 "$TEST_TMP/.mem")
echo "# fq list with a 100 MB case: max RSS $mem KiB"
small_rss
runs "fq check reports it" 1 fq check -C repo
like "... names the file" "$(out)" "$A\\.yaml"
mem=$(tail -1 "$TEST_TMP/.mem")
echo "# fq check with a 100 MB case: max RSS $mem KiB"
small_rss
is "nothing committed by any of them" "$(commits repo)" "$N"
restore

# 2. Deep nesting: flow and block, far past any sane depth.
deep() {	# deep N OPEN CLOSE
	awk -v n="$1" -v o="$2" -v c="$3" 'BEGIN { printf "id: '"$A"'\nx: ";
		for (i = 0; i < n; i++) printf "%s", o; printf "1";
		for (i = 0; i < n; i++) printf "%s", c; printf "\n" }'
}
for shape in '[' '{a: '; do
	case $shape in '[') c=']' ;; *) c='}' ;; esac
	deep 100000 "$shape" "$c" >"$F"
	runs "nesting 100000 deep ($shape$c): fq show exits 65" 65 fq show -C repo "$A"
	like "... says too deep" "$(err)" 'deep|nest'
	runs "... fq check reports it" 1 fq check -C repo
	runs "... fq edit --from it is refused" 65 fq edit -C repo "$B" --from "$F"
done
awk 'BEGIN { printf "id: x\n"; ind = "";
	for (i = 0; i < 5000; i++) { printf "%sk%d:\n", ind, i; ind = ind "  " }
	printf "%sv: 1\n", ind }' >"$F"
runs "block nesting 5000 deep: fq show exits 65" 65 fq show -C repo "$A"
# anchors and aliases: a billion laughs
{ echo "id: $A"; echo 'a: &a ["x","x","x","x","x","x","x","x","x"]'
  p=a; for n in b c d e f g h i j k; do
	echo "$n: &$n [*$p,*$p,*$p,*$p,*$p,*$p,*$p,*$p,*$p]"; p=$n; done; } >"$F"
runs "a billion laughs: fq show exits 65 without blowing up" 65 fq show -C repo "$A"
runs "... fq check reports it" 1 fq check -C repo
restore

# 3. Invalid UTF-8, in a file and on the command line.
printf '%s\n' "$good" | sed "s/^title: .*/title: \"王\\xff\\xfe某\\xc0\\x80\"/" >"$F"
printf '%s\n' "$good" | sed 's/^title: .*/title: "a\xed\xa0\x80b"/' >"$FB"
runs "invalid UTF-8 in a case file: fq show exits 65" 65 fq show -C repo "$A"
runs "a UTF-16 surrogate in a case file: fq show exits 65" 65 fq show -C repo "$B"
runs "fq check reports both" 1 fq check -C repo
like "... the first" "$(out)" "$A"
like "... the second" "$(out)" "$B"
restore
N=$(commits repo)
runs "invalid UTF-8 in --title: refused" 2 fq new -C repo \
	--title "$(printf '王\377某')" --category lljf --summary x --party 甲
runs "invalid UTF-8 in a note: refused" 2 fq note -C repo "$A" "$(printf 'a\300\200b')"
runs "invalid UTF-8 in a party: refused as bad data" 65 fq new -C repo --title x \
	--category lljf --summary x --party "$(printf '\377')"
is "nothing committed" "$(commits repo)" "$N"
runs "an escape sequence in a note: refused" 2 fq note -C repo "$A" "$(printf 'a\033[2Jb')"
runs "a C1 control in a note: refused" 2 fq note -C repo "$A" "$(printf 'a\302\233b')"
runs "a carriage return in a title: refused" 65 fq new -C repo --title "$(printf 'a\rb')" \
	--category lljf --summary x --party 甲
printf '%s\n' "$good" | sed 's/^title: .*/title: "a\\e]0;pwned\\ab"/' >"$F"
runs "an escape sequence in a case file: fq show exits 65" 65 fq show -C repo "$A"
like "... names the control character" "$(err)" 'control character U\+001B'
unlike "... never prints it" "$(out)$(err)" "$(printf '\033')"
git -C repo checkout -q -- cases
is "nothing committed" "$(commits repo)" "$N"

# 4. NUL bytes: in the middle of a small case file, and a file of NULs.
{ printf 'id: %s\ntitle: "a' "$A"; printf '\000'; printf 'b"\n'; printf '%s\n' "$good" | sed 1,2d; } >"$F"
runs "a NUL byte in a case file: fq show exits 65" 65 fq show -C repo "$A"
like "... says so" "$(err)" 'NUL|null|control|invalid'
head -c 4096 /dev/zero >"$FB"
runs "a case file of NULs: fq show exits 65" 65 fq show -C repo "$B"
: >"repo/cases/2024/03/$C.yaml"
runs "an empty case file: fq show exits 65" 65 fq show -C repo "$C"
runs "fq check reports all three" 1 fq check -C repo
is "... three files named" "$(out | grep -o "$A\\|$B\\|$C" | sort -u | wc -l)" 3
restore

# 5. Symbolic links where a case file or a directory should be.
OUT=$TEST_TMP/outside
mkdir -p "$OUT/03"
echo "secret outside the repository" >"$OUT/target"
cp "$F" "$OUT/03/$A.yaml"
sum() { cat "$OUT/target" "$OUT/03/$A.yaml" | git hash-object --stdin; }
before=$(sum)
ln -sf "$OUT/target" "$F"
N=$(commits repo)
runs "a symlinked case file: fq note refuses" 1 fq note -C repo "$A" 写穿
like "... says it is a symbolic link" "$(err)" 'symbolic link'
is "... the target outside is untouched" "$(sum)" "$before"
is "... nothing committed" "$(commits repo)" "$N"
runs "... fq check reports it" 1 fq check -C repo
like "... as a symbolic link" "$(out)" 'symbolic link'
ok "... fq check --repair does not commit it" sh -c '! fq check -C repo --repair >/dev/null 2>&1'
is "... the target outside is still untouched" "$(sum)" "$before"
is "... and nothing was committed" "$(commits repo)" "$N"
restore
# the month directory a symlink to a directory outside
mv repo/cases/2024/03 repo/cases/2024/03.real
ln -s "$OUT/03" repo/cases/2024/03
runs "a symlinked directory: fq show refuses to read through it" 1 fq show -C repo "$A"
unlike "... shows nothing from outside" "$(out)" 'title'
runs "... fq note refuses to write through it" 1 fq note -C repo "$A" 写穿
is "... the files outside are untouched" "$(sum)" "$before"
is "... nothing committed" "$(commits repo)" "$N"
ok "... no temporary file outside" test -z "$(ls "$OUT/03" | grep tmp)"
rm repo/cases/2024/03
mv repo/cases/2024/03.real repo/cases/2024/03
restore
# .git/fq entries that fq writes, planted as symlinks
ln -sf "$OUT/target" repo/.git/fq/pending
runs "a symlinked journal: fq note still refuses to write through it" 0 \
	fq note -C repo "$A" 日志
is "... the target outside is untouched" "$(sum)" "$before"
rm -f repo/.git/fq/pending
mv repo/.git/fq/lock repo/.git/fq/lock.real
ln -s "$OUT/target" repo/.git/fq/lock
runs "a symlinked lock file: fq note refuses" 1 fq note -C repo "$A" 锁
is "... the target outside is untouched" "$(sum)" "$before"
rm repo/.git/fq/lock
mv repo/.git/fq/lock.real repo/.git/fq/lock
BASE=$(git -C repo rev-parse HEAD)

# 6. A case file edited by hand to a duplicate ID.
sed "s/^id: .*/id: $A/" "$FB" >"$FB.new" && mv "$FB.new" "$FB"
commit_by_hand "hand edit: duplicate ID"
runs "fq check reports the duplicate ID" 1 fq check -C repo
like "... as a duplicate" "$(out)" "duplicate ID $A"
like "... and the name mismatch" "$(out)" "does not match the file name"
restore
mkdir -p repo/cases/2024/04
cp "$F" "repo/cases/2024/04/$A.yaml"
commit_by_hand "hand copy: same ID, other month"
runs "the same case file in two months: fq check reports it" 1 fq check -C repo
like "... as a duplicate ID" "$(out)" "duplicate ID $A"
N=$(commits repo)
runs "... fq note on that ID refuses (which one?)" 65 fq note -C repo "$A" 二选一
like "... saying it is ambiguous" "$(err)" 'in two files'
is "... nothing committed" "$(commits repo)" "$N"
git -C repo rm -q "cases/2024/04/$A.yaml" && git -C repo -c user.name=x \
	-c user.email=x@y commit -q -m undo
N=$(commits repo)

# 7. Paths with "..", and IDs that are not IDs.
for bad in "../../etc/passwd" "QSZ-2024-000001/../../x" "QSZ-2024-00000.." \
	"QSZ-2024-000001/" "/etc/passwd" "QSZ-2024-0000001" "qsz-2024-000001" \
	"$(printf 'QSZ-2024-000001\nx')"; do
	runs "fq show '$bad': usage error" 2 fq show -C repo "$bad"
	runs "fq note '$bad': usage error" 2 fq note -C repo "$bad" x
done
runs "fq edit --from a path with ..: reads only what it is given" 65 \
	fq edit -C repo "$A" --from "repo/cases/../../../../etc/passwd"
is "nothing committed" "$(commits repo)" "$N"
exits 0 "fq check passes at the end" fq check -C repo
done_testing
