#!/bin/sh
# fq sync: three townships and one bare county repository on this machine
# (file paths only); two copies of one township; a USB-stick bundle; the
# county report over the bare repository.
. "$(dirname "$0")/lib.sh"
exec </dev/null

C=$TEST_TMP/county.git
git init -q --bare "$C"
head_of() { git -C "$1" rev-parse HEAD; }
branch_of() { git -C "$C" rev-parse "refs/heads/$1"; }
casefile() { echo "$1/cases/2024/03/$2.yaml"; }
clean() { git -C "$1" status --porcelain; }

# --- usage ----------------------------------------------------------------
exits 0 "--help" fq sync --help
like "... usage" "$(out)" '^usage: fq-sync \[-C DIR\] \[--no-push\] \[REMOTE\]'
exits 2 "two remotes" fq sync a b
exits 2 "an empty --bundle" fq sync --bundle ''

# --- three townships -------------------------------------------------------
exits 0 "init QSZ with --remote" fq init qs1 --unit QSZ --name 青山镇人民调解委员会 \
	--town 青山镇 --remote "$C"
is "... origin is the county" "$(git -C qs1 remote get-url origin)" "$C"
fq init lh --unit LHZ --name 柳河镇人民调解委员会 --town 柳河镇 --remote "$C" >/dev/null
fq init ds --unit DSZ --name 东山镇人民调解委员会 --town 东山镇 >/dev/null
exits 1 "a township with no county yet" fq sync -C ds
like "... says how to give one" "$(err)" 'fq-sync: no county repository configured yet'

A=$(REPO=qs1 new_case --accepted 2024-03-05)
B=$(REPO=qs1 TITLE=邻里噪音纠纷 CAT=neighbor new_case --accepted 2024-03-06)
L=$(REPO=lh TITLE=土地边界纠纷 CAT=land_forest new_case --accepted 2024-03-07)
D=$(REPO=ds TITLE=合同欠款纠纷 CAT=contract new_case --accepted 2024-03-08)
exits 0 "first sync of QSZ" fq sync -C qs1
like "... sent" "$(out)" 'sent QSZ to origin'
is "... the county branch is QSZ's HEAD" "$(branch_of QSZ)" "$(head_of qs1)"
exits 0 "first sync of LHZ" fq sync -C lh
exits 0 "first sync of DSZ, a path given once" fq sync -C ds "$C"
is "... remembered as origin" "$(git -C ds remote get-url origin)" "$C"
is "one branch per township" "$(git -C "$C" for-each-ref --format='%(refname)' | tr '\n' ' ')" \
	"refs/heads/DSZ refs/heads/LHZ refs/heads/QSZ "
exits 0 "nothing new: up to date" fq sync -C qs1
like "... says so" "$(out)" '^up to date with origin$'

# --- a second copy of QSZ (the clerk's laptop) ------------------------------
ok "clone QSZ's branch" git clone -q -b QSZ "$C" qs2
exits 0 "... is a case repository" fq check -C qs2

# --- different cases merge silently ----------------------------------------
fq note -C qs1 "$A" 电话联系王某甲
fq note -C qs2 "$B" 走访邻居
N1=$(head_of qs1)
exits 0 "qs1 syncs" fq sync -C qs1
exits 0 "qs2 syncs: a merge" fq sync -C qs2
is "... without a word" "$(err)" ""
like "... one file from the other side" "$(out)" 'merged: 1 file\(s\) from the other side, 0 case'
is "... a merge commit with two parents" "$(git -C qs2 log -1 --format=%p | wc -w)" 2
like "... named fq-sync" "$(git -C qs2 log -1 --format=%s)" '^fq-sync: merge QSZ from origin$'
is "... authored by the clerk" "$(git -C qs2 log -1 --format='%an')" 李调解
like "... qs2 has qs1's note" "$(cat "$(casefile qs2 "$A")")" 'note: 电话联系王某甲'
is "... working tree equals HEAD" "$(clean qs2)" ""
exits 0 "qs1 syncs again: a fast-forward" fq sync -C qs1
like "... took it in" "$(out)" 'took in 1 changed file'
is "... both copies at the same commit" "$(head_of qs1)" "$(head_of qs2)"
like "... qs1 has qs2's note" "$(cat "$(casefile qs1 "$B")")" 'note: 走访邻居'
is "... qs1's working tree equals HEAD" "$(clean qs1)" ""

# --- the same case in two offices: events are a union -----------------------
fq note -C qs1 "$A" 甲方同意面谈
sleep 1
fq note -C qs2 "$A" 乙方提出补偿
fq sync -C qs1 >/dev/null
exits 0 "same case changed in both: sync" fq sync -C qs2
is "... no conflict: events only" "$(err)" ""
like "... counted as a merged case" "$(out)" '1 case\(s\) changed in both places, 0 conflict'
F=$(casefile qs2 "$A")
is "... qs1's event once" "$(grep -c 'note: 甲方同意面谈' "$F")" 1
is "... qs2's event once" "$(grep -c 'note: 乙方提出补偿' "$F")" 1
is "... the earlier one first" "$(grep -n 'note: 甲方同意面谈\|note: 乙方提出补偿' "$F" | cut -d: -f3 | tr '\n' ' ')" \
	" 甲方同意面谈  乙方提出补偿 "
is "... earlier events kept once" "$(grep -c 'note: 电话联系王某甲' "$F")" 1
is "... four events" "$(grep -c '^- at: ' "$F")" 4
unlike "... no conflicts recorded" "$(cat "$F")" '^conflicts:'
exits 0 "... fq check passes" fq check -C qs2
fq sync -C qs1 >/dev/null
is "... converged" "$(head_of qs1)" "$(head_of qs2)"

# --- a true conflict: kept both ways and flagged ----------------------------
fq risk -C qs1 "$A" --color yellow --plan 包村干部每周走访 --lead 张副镇长 >/dev/null
fq risk -C qs2 "$A" --color red --plan 镇村联合化解 --lead 张副镇长 >/dev/null
fq sync -C qs1 >/dev/null
exits 0 "conflicting risk colours: sync still succeeds" fq sync -C qs2
like "... names the case and the field" "$(err)" \
	"fq-sync: warning: $A: risk_color was changed differently in two places: kept 'red' \(this copy\); the other value 'yellow' is recorded"
like "... and the plan" "$(err)" "$A: plan was changed differently"
like "... counted" "$(out)" '2 conflict\(s\) kept for review'
F=$(casefile qs2 "$A")
like "... ours in the field" "$(cat "$F")" '^risk_color: red$'
is "... theirs recorded" "$(sed -n '/^conflicts:/,/^[a-z]/p' "$F" | grep -c 'other: yellow')" 1
like "... with the field" "$(cat "$F")" '  field: risk_color'
like "... and where it came from" "$(cat "$F")" '  from: origin'
like "... marked for review" "$(cat "$F")" "^- 'sync conflict: risk_color \(other copy: yellow\)'"
is "... both risk changes in the log" "$(grep -c 'kind: risk_change' "$F")" 2
exits 0 "... fq check passes" fq check -C qs2
exits 0 "... fq show shows the flag" fq show -C qs2 "$A"
like "... as 待核事项, with the other value" "$(out)" '待核事项 +sync conflict: risk_color \(other copy: yellow\)'
exits 0 "... qs1 takes the merge" fq sync -C qs1
is "... and has it too" "$(grep -c 'other: yellow' "$(casefile qs1 "$A")")" 1

# --- the push is rejected, fetched and integrated again ----------------------
fq note -C qs1 "$B" 再次走访
fq note -C qs2 "$A" 电话回访
exits 0 "someone pushes between our fetch and our push" \
	env FQ_SYNC_BEFORE_PUSH="fq sync -C $TEST_TMP/qs1" fq sync -C qs2
like "... says it fetches again" "$(err)" 'someone pushed meanwhile: fetching again'
is "... the county has qs2's HEAD" "$(branch_of QSZ)" "$(head_of qs2)"
like "... with qs1's note" "$(git -C "$C" show "QSZ:cases/2024/03/$B.yaml")" 'note: 再次走访'
like "... and qs2's" "$(git -C "$C" show "QSZ:cases/2024/03/$A.yaml")" 'note: 电话回访'
is "... clean" "$(clean qs2)" ""
fq sync -C qs1 >/dev/null

# --- one number registered in two copies: the other copy's case renumbered ---
fq sync -C qs2 >/dev/null
N1=$(REPO=qs1 TITLE=甲处新登记 new_case --accepted 2024-03-11)
sleep 1
N2=$(REPO=qs2 TITLE=乙处新登记 new_case --accepted 2024-03-12)
is "both copies gave out the same number" "$N1" "$N2"
fq sync -C qs1 >/dev/null
exits 0 "sync the second copy" fq sync -C qs2
like "... says the other copy's case was renumbered" "$(err)" \
	"warning: $N1 was registered in two copies: the other copy's case is now QSZ-2024-000004"
exits 0 "... ours keeps the number" fq show -C qs2 --format json "$N1"
like "... its title" "$(out)" '"title": "乙处新登记"'
exits 0 "... theirs has the next one" fq show -C qs2 --format json QSZ-2024-000004
like "... its title" "$(out)" '"title": "甲处新登记"'
like "... and a correction event naming the old number" "$(out)" \
	"renumbered from $N1 by fq sync"
exits 0 "... fq check passes" fq check -C qs2
fq sync -C qs1 >/dev/null
exits 0 "qs1 takes the renumbering" fq show -C qs1 QSZ-2024-000004
is "... same commit" "$(head_of qs1)" "$(head_of qs2)"
is "... clean" "$(clean qs1)" ""

# --- stray changes are not synced ------------------------------------------
echo '# stray' >> "$(casefile qs1 "$B")"
exits 1 "a working tree that differs from HEAD" fq sync -C qs1
like "... says to repair first" "$(err)" "run 'fq check --repair'"
git -C qs1 checkout -q -- .

# --- busy: another writer holds the lock ------------------------------------
mkdir -p qs1/.git/fq
# (held longer under valgrind, whose fq sync takes seconds to start)
flock qs1/.git/fq/lock sleep ${FQ_VG:+6}3 &
_i=0
while flock -n qs1/.git/fq/lock true 2>/dev/null && [ $_i -lt 100 ]; do
	sleep 0.05; _i=$((_i + 1))
done
H=$(head_of qs1)
exits 75 "the repository is busy" env FQ_LOCK_TIMEOUT=0.2 fq sync -C qs1
is "... nothing changed" "$(head_of qs1)" "$H"
wait

# --- a merge that would not be valid is refused whole -------------------------
fq note -C qs1 "$A" 有效的一条
# an office edited the file by hand into something that is not a case
python3 - "$(casefile qs2 "$A")" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read().replace("status: accepted", "status: no_such_state")
open(p, "w", encoding="utf-8").write(s)
PY
git -C qs2 -c user.name=x -c user.email=x@y commit -qam 'by hand'
fq sync -C qs1 >/dev/null
H2=$(head_of qs2)
exits 65 "a merged case that does not validate" fq sync -C qs2
like "... names the case" "$(err)" "the merged case $A is not valid"
is "... nothing committed" "$(head_of qs2)" "$H2"
is "... nothing written" "$(clean qs2)" ""
git -C qs2 -c user.name=x -c user.email=x@y revert --no-edit HEAD >/dev/null
exits 0 "... after the fix, the sync goes through" fq sync -C qs2
fq sync -C qs1 >/dev/null

# --- a USB stick: bundle round trip ------------------------------------------
mkdir stick
fq note -C qs1 "$B" 村里没有网络
fq note -C qs1 "$A" 第二条离线记录
exits 0 "write a bundle" fq sync -C qs1 --bundle "$TEST_TMP/stick/qs.bundle"
like "... of what the county lacks" "$(out)" 'wrote .*/stick/qs.bundle: 2 commit\(s\) of QSZ'
ok "... git can read it" git -C qs2 bundle verify "$TEST_TMP/stick/qs.bundle"
like "... as the unit's branch" "$(git bundle list-heads stick/qs.bundle)" "$(head_of qs1) refs/heads/QSZ"
exits 0 "take it in" fq sync -C qs2 stick/qs.bundle
like "... a fast-forward" "$(out)" 'took in 2 changed file'
is "... same commit as qs1" "$(head_of qs2)" "$(head_of qs1)"
is "... clean" "$(clean qs2)" ""
exits 0 "... again: up to date" fq sync -C qs2 stick/qs.bundle
like "... says so" "$(out)" 'up to date'
ok "the county takes it with git" git -C "$C" fetch -q "$TEST_TMP/stick/qs.bundle" refs/heads/QSZ:refs/heads/QSZ
is "... the county has it" "$(branch_of QSZ)" "$(head_of qs1)"
exits 1 "a bundle of another unit" fq sync -C lh stick/qs.bundle
like "... refused" "$(err)" 'holds no branch for unit LHZ'
exits 0 "nothing left to send" fq sync -C qs1
exits 0 "... a bundle of nothing" fq sync -C qs1 --bundle stick/none.bundle
like "... says so" "$(out)" 'nothing to write'
ok "... and writes nothing" test ! -e stick/none.bundle
head -c 200 stick/qs.bundle > stick/cut.bundle
exits 65 "a bundle cut short" fq sync -C qs2 stick/cut.bundle
is "... qs2 unchanged" "$(head_of qs2)" "$(head_of qs1)"

git clone -q -b QSZ "$C" qs3
fq note -C qs1 "$A" 送县里的一条
fq sync -C qs1 >/dev/null
fq note -C qs1 "$A" 再写一条
fq note -C qs2 "$B" 村里自己的一条
exits 0 "a bundle that builds on the county's newest commit" \
	fq sync -C qs1 --bundle "$TEST_TMP/stick/next.bundle"
exits 1 "... refused by a copy that lacks that commit" fq sync -C qs3 stick/next.bundle
like "... saying which" "$(err)" 'needs commit [0-9a-f]{12}, which this repository does not have'
is "... qs3 untouched" "$(clean qs3)" ""
exits 0 "--no-push: fetch and integrate only" fq sync -C qs2 --no-push
like "... merged the county's commit" "$(out)" '^merged: '
unlike "... sent nothing" "$(out)" 'sent'
is "... the county did not move" "$(git -C "$C" rev-parse QSZ)" "$(git -C qs1 rev-parse HEAD~1)"
exits 0 "the bundle, taken by a copy with its own change: a merge" fq sync -C qs2 stick/next.bundle
like "... merged" "$(out)" '^merged: '
like "... the bundle's note" "$(cat "$(casefile qs2 "$A")")" 'note: 再写一条'
like "... qs2's own" "$(cat "$(casefile qs2 "$B")")" 'note: 村里自己的一条'
is "... nothing pushed" "$(git -C "$C" rev-parse QSZ)" "$(git -C qs1 rev-parse HEAD~1)"
is "... clean" "$(clean qs2)" ""
exits 0 "then a plain sync sends it" fq sync -C qs2
is "... the county has qs2's HEAD" "$(branch_of QSZ)" "$(head_of qs2)"
fq sync -C qs1 >/dev/null
fq sync -C qs3 >/dev/null

# --- a unit code belongs to one repository -----------------------------------
exits 1 "init a second QSZ against the county" fq init dup --unit QSZ --name 冒名 --remote "$C"
like "... refused" "$(err)" 'unit QSZ is already on .*county.git: it belongs to another repository'
ok "... nothing created" test ! -e dup
make_repo dup2 QSZ
REPO=dup2 new_case --accepted 2024-03-09 >/dev/null
QB=$(branch_of QSZ)
exits 1 "a second QSZ made without --remote syncs" fq sync -C dup2 "$C"
like "... refused in plain words" "$(err)" 'the unit code QSZ is already used on .* by another repository'
is "... the county branch is untouched" "$(branch_of QSZ)" "$QB"
is "... dup2 untouched" "$(git -C dup2 rev-list --count HEAD)" 2

# --- everything checks, the county report equals the report of the three -----
for r in qs1 qs2 qs3 lh ds; do
	exits 0 "fq check in $r" fq check -C $r
	is "... $r clean" "$(clean $r)" ""
done
fq sync -C lh >/dev/null
fq sync -C ds >/dev/null
exits 0 "county report from the bare repository" fq report --month 2024-03 --county "$C" --format json
out > county.json
exits 0 "report over the three working repositories (in unit order)" fq report --month 2024-03 --repo ds --repo lh --repo qs1 --format json
out > three.json
ok "... the same report" cmp county.json three.json
like "... one row per township" "$(python3 -c '
import json; print(sorted(json.load(open("county.json"))["by_unit"].keys()))' 2>&1)" '东山镇.*柳河镇.*青山镇'
is "... six cases new in March" "$(python3 -c '
import json; print(json.load(open("county.json"))["figures"]["new"])')" 6
exits 0 "text report from the county" fq report --month 2024-03 --county "$C"
like "... totals and townships" "$(out)" '合计 +东山镇 +柳河镇 +青山镇'
mkdir mirrors
git clone -q --bare qs1 mirrors/qs.git
git clone -q --bare lh mirrors/lh.git
git clone -q --bare ds mirrors/ds.git
exits 0 "county report from a directory of bare mirrors" fq report --month 2024-03 --county mirrors --format json
out > mirrors.json
ok "... the same report" cmp county.json mirrors.json
# a bare repository is only read: each branch's index is in the user's cache
V=$HOME/.cache/fq/views
ok "... nothing written into the county repository" test ! -e "$C/fq"
ok "... nor into a mirror" test ! -e mirrors/qs.git/fq
is "... one index per branch and mirror" "$(ls "$V"/*/index | wc -l)" 6
is "... private" "$(stat -c %a "$V" "$V"/* | sort -u | tr '\n' ' ')" "700 "
inodes() { ls -i "$V"/*/index | awk '{ print $1 }' | tr '\n' ' '; }
before=$(inodes)
exits 0 "the county report again" fq report --month 2024-03 --county "$C" --format json
ok "... the same report" sh -c 'fq report --month 2024-03 --county "$1" --format json | cmp county.json -' sh "$C"
is "... the indexes were reused, not rewritten" "$(inodes)" "$before"
rm -rf "$HOME/.cache"
ok "... without the cache, the same report" sh -c 'fq report --month 2024-03 --county "$1" --format json | cmp county.json -' sh "$C"
# a township fetches its own branch only, not every township's cases
ok "a second copy of LHZ, its branch only" git clone -q --single-branch -b LHZ "$C" lh2
fq note -C lh2 "$L" 第二台电脑的记录 >/dev/null
exits 0 "... syncs" fq sync -C lh2
fq note -C lh "$L" 本机记录 >/dev/null
exits 0 "lh syncs: fetches and merges" fq sync -C lh
like "... merged" "$(out)" 'merged: 1 file'
QBLOB=$(git -C qs1 rev-parse "HEAD:cases/2024/03/$A.yaml")
ok "... the county has QSZ's case" git -C "$C" cat-file -e "$QBLOB"
ok "... lh did not receive it" sh -c "! git -C lh cat-file -e $QBLOB 2>/dev/null"
is "... lh clean" "$(clean lh)" ""
exits 0 "... fq check in lh" fq check -C lh
exits 1 "--county of a plain directory" fq report --county stick
like "... says what it wants" "$(err)" 'not a county repository'

done_testing
