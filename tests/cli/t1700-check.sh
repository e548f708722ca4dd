#!/bin/sh
# fq check: validate every file and the repository; --repair.
. "$(dirname "$0")/lib.sh"
exec </dev/null

gitc() {	# commit everything with plain git, as a clerk by hand would
	_r=$1; shift
	git -C "$_r" add -A &&
	git -C "$_r" -c user.name=手工 -c user.email=hand@example.org \
		commit -q "$@"
}
setup() {	# a fresh repository $1 with two cases
	make_repo "$1"
	REPO=$1 new_case --accepted 2024-03-05 >/dev/null
	REPO=$1 TITLE=第二件 new_case >/dev/null
}
A=QSZ-2024-000001
B=QSZ-2024-000002

# --- a fresh repository passes ----------------------------------------------
make_repo empty
exits 0 "a fresh repository passes" fq check -C empty
is "... nothing on stdout" "$(out)" ""
setup repo
exits 0 "a repository with cases passes" fq check -C repo
is "... nothing on stdout" "$(out)" ""
like "... says how many files were checked" "$(err)" '2 case files checked, 0 problems'
exits 0 "--quiet" fq check -C repo --quiet
is "... says nothing" "$(err)$(out)" ""

# --- an invalid file committed with plain git ------------------------------
setup bad
F=cases/2024/03/$A.yaml
sed -i 's/^risk_color: blue$/risk_color: purple/' "bad/$F"
gitc bad -m "hand edit"
L=$(grep -n '^risk_color:' "bad/$F" | cut -d: -f1)
exits 1 "an invalid committed case exits 1" fq check -C bad
like "... path:line:col: message" "$(out)" "^$F:$L:[0-9]+: .*purple"
is "... one problem line" "$(out | wc -l | tr -d ' ')" 1
like "... counted" "$(err)" '1 problem'
sed -i '/^summary:/d' "bad/cases/2024/03/$B.yaml"
gitc bad -m "another hand edit"
exits 1 "two invalid files" fq check -C bad
like "... the missing field is named" "$(out)" "^cases/2024/03/$B.yaml:[0-9]+:[0-9]+: .*summary"
like "... and the first problem still" "$(out)" "^$F:$L:"
printf 'id: [\n' >"bad/cases/2024/03/$A.yaml"
gitc bad -m "broken yaml"
exits 1 "a file that does not parse" fq check -C bad
like "... path:line:col" "$(out)" "^$F:[0-9]+:[0-9]+: "

# --- an uncommitted stray change; --repair ------------------------------------
setup stray
N=$(commits stray)
sed -i 's/两家/三家/' "stray/cases/2024/03/$A.yaml"
exits 1 "an uncommitted change exits 1" fq check -C stray
like "... says uncommitted" "$(out)" "^cases/2024/03/$A.yaml: uncommitted"
like "... and how to repair" "$(out)" 'repair'
is "... check alone commits nothing" "$(commits stray)" "$N"
exits 0 "--repair commits it" fq check -C stray --repair
is "... one commit" "$(commits stray)" $((N + 1))
is "... its message" "$(git -C stray log -1 --format=%s)" "fq-check: repair 1 file"
is "... authored by the clerk" "$(git -C stray log -1 --format='%an <%ae>')" \
	"李调解 <li@example.org>"
like "... the change is committed" \
	"$(git -C stray show HEAD:cases/2024/03/$A.yaml)" '^summary: 三家'
is "... working tree equals HEAD" "$(git -C stray status --porcelain)" ""
exits 0 "... then check passes" fq check -C stray
exits 0 "... and --repair again does nothing" fq check -C stray --repair
is "... no commit" "$(commits stray)" $((N + 1))

# A case file a killed fq new left behind, never committed.
cp "stray/cases/2024/03/$B.yaml" "stray/cases/2024/03/QSZ-2024-000003.yaml"
sed -i 's/^id: .*/id: QSZ-2024-000003/' "stray/cases/2024/03/QSZ-2024-000003.yaml"
exits 1 "an uncommitted new case file exits 1" fq check -C stray
like "... named" "$(out)" "^cases/2024/03/QSZ-2024-000003.yaml: uncommitted"
exits 0 "--repair commits it" fq check -C stray --repair
is "... the file is in HEAD" \
	"$(git -C stray ls-files cases/2024/03/QSZ-2024-000003.yaml)" \
	cases/2024/03/QSZ-2024-000003.yaml
is "... message" "$(git -C stray log -1 --format=%s)" "fq-check: repair 1 file"
is "... clean" "$(git -C stray status --porcelain)" ""

# Two stray files: one commit.
sed -i 's/三家/四家/' "stray/cases/2024/03/$A.yaml"
sed -i 's/两家/五家/' "stray/cases/2024/03/$B.yaml"
N=$(commits stray)
exits 0 "--repair with two stray files" fq check -C stray --repair
is "... one commit" "$(commits stray)" $((N + 1))
is "... message" "$(git -C stray log -1 --format=%s)" "fq-check: repair 2 files"

# An invalid stray change is not committed.
sed -i 's/^status: accepted$/status: bogus/' "stray/cases/2024/03/$A.yaml"
N=$(commits stray)
exits 1 "--repair refuses an invalid stray change" fq check -C stray --repair
like "... names the problem" "$(out)" "cases/2024/03/$A.yaml:[0-9]+:[0-9]+: .*bogus"
is "... nothing committed" "$(commits stray)" "$N"
like "... the change is still there" "$(cat "stray/cases/2024/03/$A.yaml")" '^status: bogus$'

# A deleted case file.
setup gone
rm "gone/cases/2024/03/$B.yaml"
exits 1 "a case file deleted from the working tree exits 1" fq check -C gone
like "... named" "$(out)" "cases/2024/03/$B.yaml"

# --- a file under another ID's name -------------------------------------------
setup ren
git -C ren mv "cases/2024/03/$B.yaml" cases/2024/03/QSZ-2024-000005.yaml
gitc ren -m "rename"
exits 1 "a case file renamed to another ID exits 1" fq check -C ren
like "... does not match" "$(out)" \
	"^cases/2024/03/QSZ-2024-000005.yaml:1:[0-9]+: .*$B.*does not match"

# --- two files with the same id ------------------------------------------------
setup dup
mkdir -p dup/cases/2024/04
cp "dup/cases/2024/03/$A.yaml" "dup/cases/2024/04/$A.yaml"
gitc dup -m "duplicate"
exits 1 "two files with one ID exit 1" fq check -C dup
like "... duplicate reported" "$(out)" "duplicate.*$A"
like "... naming both files" "$(out)" "cases/2024/0[34]/$A.yaml.*cases/2024/0[34]/$A.yaml"

# --- a file in the wrong place ----------------------------------------------------
setup place
mkdir -p place/cases/2023/03
git -C place mv "cases/2024/03/$B.yaml" "cases/2023/03/$B.yaml"
gitc place -m "wrong year"
exits 1 "a case under the wrong year exits 1" fq check -C place
like "... reported" "$(out)" "cases/2023/03/$B.yaml: .*year"
setup place2
git -C place2 mv "cases/2024/03/$B.yaml" "cases/$B.yaml"
gitc place2 -m "flat"
exits 1 "a case outside cases/YYYY/MM/ exits 1" fq check -C place2
like "... reported" "$(out)" "cases/$B.yaml: .*cases/YYYY/MM/ID.yaml"

# --- a symbolic link at a case path ---------------------------------------------
setup sym
echo 'not a case' >outside.yaml
rm "sym/cases/2024/03/$B.yaml"
ln -s "$TEST_TMP/outside.yaml" "sym/cases/2024/03/$B.yaml"
gitc sym -m "symlink"
is "... git holds a symlink" \
	"$(git -C sym ls-files -s "cases/2024/03/$B.yaml" | cut -c1-6)" 120000
exits 1 "a symlink at a case path exits 1" fq check -C sym
like "... reported as a symbolic link" "$(out)" "cases/2024/03/$B.yaml: .*symbolic link"
unlike "... and not read" "$(out)" 'not a case'
setup sym2
rm "sym2/cases/2024/03/$B.yaml"
ln -s "$TEST_TMP/outside.yaml" "sym2/cases/2024/03/$B.yaml"
exits 1 "an uncommitted symlink at a case path exits 1" fq check -C sym2
like "... reported as a symbolic link" "$(out)" "cases/2024/03/$B.yaml: .*symbolic link"
is "... once" "$(out | grep -c 'symbolic link')" 1
N=$(commits sym2)
exits 1 "--repair does not commit a symlink" fq check -C sym2 --repair
is "... nothing committed" "$(commits sym2)" "$N"
is "... HEAD still has the regular file" \
	"$(git -C sym2 ls-tree HEAD "cases/2024/03/$B.yaml" | cut -c1-6)" 100644

# --- a stale .git/index.lock -------------------------------------------------------
setup lock
: >lock/.git/index.lock
exits 1 "a stale index.lock exits 1" fq check -C lock
like "... reported" "$(out)" '\.git/index\.lock: stale lock'
ok "... check alone leaves it" test -e lock/.git/index.lock
N=$(commits lock)
exits 0 "--repair removes it" fq check -C lock --repair
like "... says so" "$(err)" 'removed stale lock \.git/index\.lock'
ok "... gone" test ! -e lock/.git/index.lock
is "... no commit" "$(commits lock)" "$N"
exits 0 "... then check passes" fq check -C lock
exits 0 "... and git works" git -C lock status --porcelain

# --- usage ----------------------------------------------------------------------
exits 2 "an argument exits 2" fq check -C repo extra
exits 2 "an unknown option exits 2" fq check -C repo --fix
exits 1 "not a repository exits 1" fq check -C "$TEST_TMP/nonexistent"

done_testing
