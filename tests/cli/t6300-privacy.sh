#!/bin/sh
# Personal data: masking by default, --show-pii records an access event
# (committed; no record, no reveal), every file fq creates is private
# whatever the umask, and fq purge anonymises archived cases past their
# retention, keeping what the statistics need, as one commit.
. "$(dirname "$0")/lib.sh"
exec </dev/null

# 1. Private whatever the umask: every file and directory fq creates.
umask 000
make_repo
A=$(new_case --party 赵六:第三人:0394-5550001)
fq note -C repo "$A" 电话联系 >/dev/null
fq show -C repo --show-pii "$A" >/dev/null
fq list -C repo >/dev/null
EDITOR="sed -i s/两家/三家/" fq edit -C repo "$A" >/dev/null 2>&1
FQ_FAULT=after-rename fq note -C repo "$A" 中断 >/dev/null 2>&1
fq check -C repo --repair >/dev/null 2>&1
FQ_FAULT=write fq note -C repo "$A" 中断 >/dev/null 2>&1
fq check -C repo --repair >/dev/null 2>&1
FQ_LOCK_TIMEOUT=0 EDITOR="sed -i s/三家/四家/" flock repo/.git/fq/lock \
	fq edit -C repo "$A" >/dev/null 2>&1	# 75: the edit is kept
fq due -C repo >/dev/null 2>&1
fq report -C repo --month 2024-03 >/dev/null 2>&1
umask 022
ok "files were made (.git/fq/edit has the kept edit)" test -d repo/.git/fq/edit
is "with umask 000, no file or directory is open to group or others" \
	"$(find repo \( -type f -o -type d \) -perm /077 | sort)" ""
is "... the top directory is 0700" "$(stat -c %a repo)" 700
is "... a case file is 0600" "$(stat -c %a "repo/cases/2024/03/$A.yaml")" 600
is "... the lock is 0600" "$(stat -c %a repo/.git/fq/lock)" 600
is "... git objects are not readable by others" \
	"$(find repo/.git/objects -type f -perm /044 | head -1)" ""

# 2. Masking by default, in every format of fq show.
for f in text yaml json; do
	exits 0 "fq show --format $f" fq show -C repo --format "$f" "$A"
	unlike "... shows no phone in full" "$(out)" '13800000001|5550001'
	like "... shows it masked" "$(out)" '138\*\*\*\*0001'
done
unlike "fq list shows no phone" "$(fq list -C repo --format tsv)" '13800000001'

# 3. --show-pii: an access event, committed before anything is shown.
N=$(commits repo)
exits 0 "fq show without --show-pii" fq show -C repo "$A"
is "... writes nothing" "$(commits repo)" "$N"
exits 0 "fq show --show-pii" fq show -C repo --show-pii "$A"
like "... shows the phone in full" "$(out)" '13800000001'
is "... one commit" "$(commits repo)" $((N + 1))
like "... by fq-show, naming the case" "$(git -C repo log -1 --format=%s)" "^fq-show: $A "
is "... authored by the clerk" "$(git -C repo log -1 --format=%an)" 李调解
ev=$(git -C repo show "HEAD:cases/2024/03/$A.yaml" | tail -4)
like "... the case log ends with an access event" "$ev" 'kind: access'
like "... by the clerk" "$ev" 'actor: 李调解'
like "... naming the format" "$ev" 'note: fq show --show-pii --format text'
like "... fq log lists it" "$(fq log -C repo "$A")" 'fq-show'
is "... the working tree equals HEAD" \
	"$(git -C repo status --porcelain --untracked-files=all)" ""
exits 0 "fq check passes" fq check -C repo
N=$(commits repo)
exits 75 "--show-pii while the repository is busy: exit 75" env FQ_LOCK_TIMEOUT=0.2 \
	flock repo/.git/fq/lock fq show -C repo --show-pii "$A"
is "... nothing shown (no record, no reveal)" "$(out)" ""
is "... nothing committed" "$(commits repo)" "$N"
chmod 500 repo/.git/objects 2>/dev/null
if [ "$(id -u)" != 0 ]; then
	exits 1 "--show-pii when the repository cannot be written: refused" \
		fq show -C repo --show-pii "$A"
	is "... nothing shown" "$(out)" ""
fi
chmod 700 repo/.git/objects
exits 0 "--show-pii --format json records the format" \
	fq show -C repo --show-pii --format json "$A"
like "... full phone" "$(out)" '13800000001'
like "... recorded" "$(git -C repo show "HEAD:cases/2024/03/$A.yaml" | tail -1)" 'format json'

# 4. fq purge.
mkdir -p r && cd r
export FQ_TODAY=2014-03-20
make_repo >/dev/null 2>&1
nd() { fq new -C repo --accepted 2014-03-20 "$@" 2>/dev/null; }
P=$(nd --title 王某甲与李四宅基地纠纷 --category 宅基地 \
	--summary '王某甲称李四占地，王某甲电话13800000001，李四身份证410102199001011234' \
	--party 王某甲:申请人:13800000001 --party 李四:被申请人:13900000002)
L=$(nd --title 张三与赵五借款纠纷 --category 合同 --summary 张三借给赵五三千元 \
	--party 张三:申请人:13700000003 --party 赵五)
K=$(nd --title 周七排水纠纷 --category 邻里 --summary 周七 --party 周七)
O=$(nd --title 吴八劳务纠纷 --category lljf --summary 吴八 --party 吴八)
docs=application,notice,id_proof,record
for id in $P $L $K; do fq withdraw -C repo "$id" --reason 撤回 >/dev/null 2>&1; done
fq archive -C repo "$P" --retention short --docket 卷1 --doc $docs >/dev/null 2>&1
fq archive -C repo "$L" --docket 卷2 --doc $docs >/dev/null 2>&1	# long, by default
fq archive -C repo "$K" --retention permanent --docket 卷3 --doc $docs >/dev/null 2>&1
is "three cases archived, one open" \
	"$(fq list -C repo --format tsv 2>/dev/null | sed 1d | cut -f2 | sort | tr '\n' ' ')" "accepted archived archived archived "
# the report of March 2014 before and after: the counts must not change
fq report -C repo --month 2014-03 --format csv >report.before 2>/dev/null

export FQ_TODAY=2024-03-20
N=$(commits repo)
exits 0 "fq purge --dry-run on the last day of a short retention" fq purge -C repo --dry-run
is "... nothing due yet (10 years end 2024-03-20)" "$(out)" ""
export FQ_TODAY=2024-03-21
exits 0 "fq purge --dry-run the day after" fq purge -C repo --dry-run
is "... lists the short one" "$(out)" "$(printf '%s\tshort\t2014-03-20\t2024-03-20' "$P")"
like "... says it is a dry run" "$(err)" 'dry run'
is "... nothing committed" "$(commits repo)" "$N"
exits 2 "--before a date after today is refused" fq purge -C repo --before 2024-03-22
exits 2 "--before a bad date is refused" fq purge -C repo --before 2024-02-30
exits 0 "--before 2024-03-20: the short one ended on it, not before" \
	fq purge -C repo --before 2024-03-20 --dry-run
is "... nothing due" "$(out)" ""
before=$(git -C repo show "HEAD:cases/2014/03/$L.yaml")
exits 0 "fq purge" fq purge -C repo
is "... one commit" "$(commits repo)" $((N + 1))
like "... named fq-purge" "$(git -C repo log -1 --format=%s)" '^fq-purge: 1 case past retention'
like "... listing the case" "$(git -C repo log -1 --format=%b)" "$P"
is "... the one file changed" "$(git -C repo diff --name-only HEAD~ HEAD)" "cases/2014/03/$P.yaml"
p=$(git -C repo show "HEAD:cases/2014/03/$P.yaml")
unlike "... no phone left" "$p" '13800000001|13900000002|phones:'
unlike "... no ID number left" "$p" '410102199001011234'
unlike "... no full name left" "$p" '王某甲|李四'
like "... names kept as surname + 某某" "$p" 'name: 王某某'
like "... a two-character one as surname + 某" "$p" 'name: 李某$'
like "... also in the title" "$p" 'title: 王某某与李某宅基地纠纷'
like "... and in the summary" "$p" 'summary: 王某某称李某占地'
like "... name_masked" "$p" 'name_masked: true'
like "... kept: category" "$p" 'category: housing_homestead'
like "... kept: status, outcome, dates" "$p" 'status: archived'
like "... kept: outcome" "$p" 'outcome: withdrawn'
like "... kept: accepted_on" "$p" 'accepted_on: 2014-03-20'
like "... kept: roles" "$p" 'role: respondent'
like "... purged_on" "$p" 'purged_on: 2024-03-21'
like "... a purge event" "$p" 'kind: purge'
is "... the long one untouched" "$(git -C repo show "HEAD:cases/2014/03/$L.yaml")" "$before"
exits 0 "fq check passes" fq check -C repo
fq report -C repo --month 2014-03 --format csv >report.after 2>/dev/null
is "the report of March 2014 is the same but for the day it was made" \
	"$(grep -v 填报日期 report.after)" "$(grep -v 填报日期 report.before)"
N=$(commits repo)
exits 0 "fq purge again: nothing more" fq purge -C repo
is "... no commit" "$(commits repo)" "$N"

export FQ_TODAY=2044-03-21
exits 0 "30 years on, the long one is due" fq purge -C repo --dry-run
is "... only it (permanent never, the purged one not again)" "$(out | cut -f1,2)" \
	"$(printf '%s\tlong' "$L")"
# fq.yaml periods
printf 'retention:\n  long: 40 years\n' >>repo/fq.yaml
git -C repo -c user.name=x -c user.email=x@y commit -qam "bad period"
exits 65 "a bad period in fq.yaml: exit 65" fq purge -C repo
like "... naming it" "$(err)" 'retention.long'
sed -i 's/40 years/480 months/' repo/fq.yaml
git -C repo -c user.name=x -c user.email=x@y commit -qam "40 years"
exits 0 "retention.long: 480 months" fq purge -C repo --dry-run
is "... the long one is not due yet" "$(out)" ""
export FQ_TODAY=2054-03-21
N=$(commits repo)
exits 0 "40 years on it is" fq purge -C repo
is "... one commit" "$(commits repo)" $((N + 1))
unlike "... its phones are gone" "$(git -C repo show "HEAD:cases/2014/03/$L.yaml")" '13700000003'
exits 0 "fq check passes" fq check -C repo
# a bad case file: nothing purged
git -C repo show "HEAD:cases/2014/03/$O.yaml" >o.yaml
echo 'bogus: [' >>"repo/cases/2014/03/$O.yaml"
git -C repo -c user.name=x -c user.email=x@y commit -qam "broken"
exits 65 "a case file that does not parse: fq purge exits 65" fq purge -C repo
like "... nothing purged" "$(err)" 'nothing purged'
done_testing
