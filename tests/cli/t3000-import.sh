#!/bin/sh
# fq import: paper-ledger CSV files (DOMAIN.md §4), all or nothing.
. "$(dirname "$0")/lib.sh"
exec </dev/null

D="$FQ_SOURCE_DIR/tests/data/import"
export FQ_TODAY=2024-04-20
clean() {	# the working tree equals HEAD
	is "$1: working tree equals HEAD" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
}
# The case file imported from FILE#rowN (first physical row).
case_of() {
	f=$(grep -l -E "^imported_from: $1#row$2(-[0-9]+)?\$" -r repo/cases | head -1)
	[ -n "$f" ] && cat "$f"
}
field() {	# field FILE ROW KEY: the value of a top-level key
	case_of "$1" "$2" | sed -n "s/^$3: //p" | head -1
}

make_repo

# --- usage ---------------------------------------------------------------
exits 0 "--help" fq import --help
like "usage line" "$(out)" '^usage: fq-import \[-C DIR\]'
exits 2 "no file is a usage error" fq import -C repo
exits 2 "a missing file is a usage error" fq import -C repo nosuch.csv
exits 2 "bad --year" fq import -C repo --year 24 "$D/a-register.csv"
exits 2 "bad --encoding" fq import -C repo --encoding latin9 "$D/a-register.csv"

# --- A: 登记簿, title row, continuation rows, ditto, footers ---------------
exits 0 "ledger A imports" fq import -C repo "$D/a-register.csv"
is "A: 4 cases" "$(out | grep -c '^new')" 4
like "A: summary line" "$(err)" '4 new, 0 updated, 0 possible duplicates'
like "A: encoding reported" "$(err)" 'encoding UTF-8 \(valid UTF-8\)'
like "A: header mapping reported" "$(err)" '序号→seq, 受理日期→accepted_on, 当事人→parties'
like "A: year from the title" "$(err)" 'year for dates without one: 2024 \(from the title\)'
like "A: footers and blank rows skipped" "$(err)" '1 continuation, 1 blank, 2 footer'
is "A: one commit" "$(commits repo)" 2
like "A: commit message" "$(git -C repo log -1 --format=%s)" '^fq-import: 4 new, 0 updated from a-register.csv$'
clean "A"
Y=$(case_of a-register.csv 3)
like "A1: provenance names both physical rows" "$Y" '^imported_from: a-register.csv#row3-4$'
like "A1: continuation row is a second party" "$Y" 'name: 王某乙'
like "A1: its role from the prefix" "$(echo "$Y" | grep -B2 'name: 王某乙')" 'role: respondent'
like "A1: 1.38E+10 flagged for re-entry" "$Y" '^- phone_lost_excel$'
unlike "A1: the lost number is not invented" "$Y" '1380000000[^1]'
like "A1: raw row kept in the import event" "$Y" '1.38E\+10'
is "A1: written agreement" "$(field a-register.csv 3 outcome)" mediated_written
like "A1: visit from 回访情况" "$Y" '"on": 2024-03-20'
Y=$(case_of a-register.csv 5)
is "A2: 未果，已告知起诉 → failed" "$(field a-register.csv 5 outcome)" failed
like "A2: route litigation" "$Y" '^- litigation$'
like "A2: both numbers of the cell" "$Y" '0394-5550001'
is "A2: source 派出所移交" "$(field a-register.csv 5 source)" police_transfer
Y=$(case_of a-register.csv 6)
is "A3: 3月12日 with the title's year" "$(field a-register.csv 6 accepted_on)" 2024-03-12
like "A3: 同上 copies the mediators from the row above" "$Y" '- 陈某'
like "A3: flagged as copied" "$Y" '^- ditto_copied$'
like "A3: group party with households" "$Y" 'households: 5'
is "A3: 调解中 → mediating" "$(field a-register.csv 6 status)" mediating
is "A4: full-width date" "$(field a-register.csv 7 accepted_on)" 2024-03-18
is "A4: oral agreement" "$(field a-register.csv 7 outcome)" mediated_oral
like "A4: .0 stripped" "$(case_of a-register.csv 7)" '"13800000004"'
ok "fq check passes after the import" fq check -C repo

# --- idempotent: a second identical import makes no commit ---------------
exits 0 "second identical import" fq import -C repo "$D/a-register.csv"
is "no second commit" "$(commits repo)" 2
like "says so" "$(err)" 'nothing changed: no commit'
is "every record matched" "$(out | grep -c '^same')" 4
clean "second import"

# --- B (two-row header), C (BOM, docket no.), D (archive template) ---------
exits 0 "ledgers B, C, D in one run" fq import -C repo "$D/b-zongzhi.csv" \
	"$D/c-system.csv" "$D/d-archive.csv"
is "B-D: one commit for all files" "$(commits repo)" 3
like "B: two-row header joined" "$(err)" '当事人/姓名→parties, 当事人/联系方式→phone'
like "C: BOM reported" "$(err)" 'encoding UTF-8 \(BOM\) \(byte-order mark\)'
like "C: the system's case is matched to ledger A's" "$(out)" '^update	QSZ-2024-000001	c-system.csv#row2'
like "summary counts updates and possible duplicates" "$(err)" 'new, 1 updated, [1-9] possible duplicates'
is "B1: reported_on from 排查时间" "$(field b-zongzhi.csv 4 reported_on)" 2024-03-02
is "B2: red" "$(field b-zongzhi.csv 5 risk_color)" red
is "B2: 8户约20人" "$(field b-zongzhi.csv 5 people_involved)/$(field b-zongzhi.csv 5 households_involved)" 20/8
is "B2: deadline from 化解时限" "$(field b-zongzhi.csv 5 due_on)" 2024-04-10
is "B3: Excel serial date" "$(field b-zongzhi.csv 6 reported_on)" 2024-03-10
is "B3: 黄色" "$(field b-zongzhi.csv 6 risk_color)" yellow
is "B3: 15天 from the row date" "$(field b-zongzhi.csv 6 due_on)" 2024-03-25
Y=$(case_of a-register.csv 3)
is "C1: docket number added to the matched case" "$(field a-register.csv 3 docket_no)" TJ2024031
like "C1: the ID lost by Excel is flagged" "$Y" '^- id_lost_excel$'
is "C1: amount 8,000" "$(field a-register.csv 3 amount_in_dispute)" 8000
is "C2: 调解状态 + 调解结果 read together" "$(field c-system.csv 3 outcome)" failed
like "C2: more parties than ledger A's: a possible duplicate, not merged" "$(case_of c-system.csv 3)" '^- possible_duplicate:QSZ-2024-000002$'
like "C2: relation in brackets is a note" "$(case_of c-system.csv 3)" 'note: 长子'

is "D1: 案号 is the docket number" "$(field d-archive.csv 2 docket_no)" （2024）姚人调字第7号
is "D2: 终止调解 → failed" "$(field d-archive.csv 3 outcome)" failed
like "D2: organisation" "$(case_of d-archive.csv 3)" 'kind: organization'
ok "fq check passes" fq check -C repo
clean "B-D"

# --- GB18030 copies of the four sets import the same ----------------------
mkdir gb
for f in a-register b-zongzhi d-archive; do
	iconv -f UTF-8 -t GB18030 "$D/$f.csv" >gb/$f.csv
done
tail -c +4 "$D/c-system.csv" | iconv -f UTF-8 -t GB18030 >gb/c-system.csv
make_repo repo2
make_repo repo3
exits 0 "UTF-8 files into repo2" fq import -C repo2 "$D/a-register.csv" \
	"$D/b-zongzhi.csv" "$D/c-system.csv" "$D/d-archive.csv"
exits 0 "GB18030 files into repo3" fq import -C repo3 gb/a-register.csv \
	gb/b-zongzhi.csv gb/c-system.csv gb/d-archive.csv
like "GB18030 is reported, not guessed silently" "$(err)" 'encoding GB18030 \(not valid UTF-8; decodes as GB18030'
norm() { sed -e '/^created_at\|^updated_at\|^- at:/d' -e 's/\.csv#/#/' $(find "$1/cases" -name '*.yaml' | sort); }
is "GB18030 and UTF-8 give the same cases" "$(norm repo3 | md5sum)" "$(norm repo2 | md5sum)"
exits 65 "--encoding utf-8 on a GB18030 file is bad data" \
	fq import -C repo3 --encoding utf-8 --dry-run gb/a-register.csv

# --- UTF-16LE tab-separated (Excel "Unicode text") -----------------------
sed 's/,/	/g' "$D/d-archive.csv" | iconv -f UTF-8 -t UTF-16LE >u16.body
printf '\377\376' >u16.txt
cat u16.body >>u16.txt
make_repo repo4
exits 0 "UTF-16LE import" fq import -C repo4 u16.txt
like "UTF-16LE and tab reported" "$(err)" 'encoding UTF-16LE \(byte-order mark\), delimiter tab'
is "two cases" "$(out | grep -c '^new')" 2

# --- undecodable bytes --------------------------------------------------
{ printf '序号,受理日期,当事人,纠纷类型,纠纷简要情况\n' | iconv -t GB18030
  printf '1,2024-03-01,'; printf '王某' | iconv -t GB18030; printf '\377,'
  printf '邻里纠纷,噪音\n' | iconv -t GB18030; } >broken.csv
exits 65 "neither UTF-8 nor GB18030: refused, not guessed" fq import -C repo4 broken.csv
like "says why" "$(err)" 'cannot tell the encoding.*give --encoding'
exits 0 "--encoding gb18030 keeps the bad byte as \\xNN" fq import -C repo4 --encoding gb18030 broken.csv
like "reported" "$(err)" '1 bytes could not be decoded'
like "kept in the name" "$(cat repo4/cases/2024/03/*.yaml)" 'name: 王某\\xFF'

# --- all or nothing --------------------------------------------------------
make_repo repo5
H=$(git -C repo5 rev-parse HEAD)
exits 65 "bad rows: exit 65" fq import -C repo5 "$D/dates-bad.csv" "$D/a-register.csv"
is "HEAD untouched" "$(git -C repo5 rev-parse HEAD)" "$H"
is "no case written" "$(find repo5/cases -name '*.yaml' | wc -l | tr -d ' ')" 0
is "working tree clean" "$(git -C repo5 status --porcelain --untracked-files=all)" ""
is "nothing on stdout" "$(out)" ""
E=$(err)
like "every bad row is named: 2024.13.5" "$E" 'dates-bad.csv:2: accepted_on: invalid date .2024\.13\.5.'
like "2月30日" "$E" 'dates-bad.csv:3: accepted_on: .*2月30日'
like "no year" "$E" "dates-bad.csv:4: accepted_on: ambiguous: no year in '3月5日'"
like "no date" "$E" 'dates-bad.csv:5: accepted_on: no date'
like "nothing imported" "$E" '4 bad records: nothing imported'
exits 65 "--year gives the year" fq import -C repo5 --dry-run --year 2024 "$D/dates-bad.csv"
like "then 3 bad" "$(err)" '3 bad records'
ok "no rejects file without --skip-bad" test ! -e "$D/dates-bad.csv.rejects.csv"

# --- --skip-bad: the rest imported, rejects in the input's encoding --------
cp "$D/dates-bad.csv" bad.csv
iconv -f UTF-8 -t GB18030 bad.csv >badgb.csv
exits 0 "--skip-bad" fq import -C repo5 --skip-bad bad.csv badgb.csv
is "one case from each file" "$(out | grep -c '^new\|^same')" 2
ok "rejects file written" test -f bad.csv.rejects.csv
is "header + 4 rejected rows" "$(wc -l <bad.csv.rejects.csv | tr -d ' ')" 5
like "reason column" "$(head -1 bad.csv.rejects.csv)" '错误原因'
like "reason given" "$(cat bad.csv.rejects.csv)" "^3,3月5日,甲三,邻里纠纷,no year anywhere,accepted_on: ambiguous"
like "GB18030 rejects stay GB18030" "$(iconv -f GB18030 -t UTF-8 badgb.csv.rejects.csv)" '错误原因'
exits 1 "GB18030 rejects are not UTF-8" iconv -f UTF-8 -t UTF-8 badgb.csv.rejects.csv
exits 0 "the rejects file re-imports once fixed" sh -c \
	"sed -e 's/2024.13.5/2024.1.5/' -e 's/2月30日/2024年2月3日/' -e 's/^3,3月5日/3,2024年3月5日/' -e 's/^4,,/4,2024-03-04,/' bad.csv.rejects.csv >fixed.csv && fq import -C repo5 fixed.csv"
like "4 more cases" "$(out)" 'new.*fixed.csv#row5'
ok "fq check passes" fq check -C repo5

# --- dry run writes nothing ---------------------------------------------
make_repo repo6
H=$(git -C repo6 rev-parse HEAD)
exits 0 "dry run" fq import -C repo6 --dry-run "$D/a-register.csv"
like "prints what would happen" "$(out)" '^new	QSZ-2024-000001	a-register.csv#row3'
like "says nothing written" "$(err)" 'dry run: nothing written'
is "HEAD untouched" "$(git -C repo6 rev-parse HEAD)" "$H"
is "no case written" "$(find repo6/cases -name '*.yaml' | wc -l | tr -d ' ')" 0
exits 65 "dry run with bad rows exits 65" fq import -C repo6 --dry-run "$D/dates-bad.csv"
like "and shows the problems" "$(err)" 'dates-bad.csv:2: accepted_on'
unlike "no progress bar when stderr is not a terminal" "$(err)" 'records…'
awk 'BEGIN { print "序号,受理日期,当事人,纠纷类型,纠纷简要情况";
	for (i = 1; i <= 1200; i++) printf "%d,2024-03-01,当事人%d,邻里纠纷,噪音\n", i, i }' >many.csv
if command -v script >/dev/null 2>&1; then
	script -qc "fq import -C repo6 --dry-run many.csv >/dev/null" tty.log >/dev/null 2>&1
	like "a progress count on a terminal" "$(tr '\r' '\n' <tty.log)" 'many.csv: 1000 records…'
fi

# --- §4.4: every row of the date table through a whole import -------------
make_repo repo7
exits 0 "date table" fq import -C repo7 "$D/dates.csv"
is "31 cases" "$(out | grep -c '^new')" 31
for r in $(seq 3 23) $(seq 26 33); do
	is "dates.csv row $r → 2024-03-05" "$(sed -n 's/^accepted_on: //p' $(grep -l "^imported_from: dates.csv#row$r\$" -r repo7/cases))" 2024-03-05
done
for r in 24 25; do
	is "dates.csv row $r month precision → 2024-03-01" "$(sed -n 's/^accepted_on: //p' $(grep -l "^imported_from: dates.csv#row$r\$" -r repo7/cases))" 2024-03-01
	like "row $r flagged month only" "$(cat $(grep -l "^imported_from: dates.csv#row$r\$" -r repo7/cases))" '^- date_month_only$'
done
like "inferred year is flagged" "$(cat $(grep -l '^imported_from: dates.csv#row17$' -r repo7/cases))" '^- date_inferred$'
like "同上 date flagged" "$(cat $(grep -l '^imported_from: dates.csv#row28$' -r repo7/cases))" '^- ditto_copied$'
like "the time of day is kept as written" "$(cat $(grep -l '^imported_from: dates.csv#row22$' -r repo7/cases))" '受理日期原文：2024-03-05 14:30'
like "the end of a range is kept as written" "$(cat $(grep -l '^imported_from: dates.csv#row26$' -r repo7/cases))" '受理日期原文：3月5日-3月8日'
like "category mapping counts per raw value" "$(err)" 'categories: 邻里纠纷→neighbor 31'
unlike "已结 in 结案日期 closes nothing" "$(cat $(grep -l '^imported_from: dates.csv#row30$' -r repo7/cases))" '^closed_on:'

# --- §4.3: results table ----------------------------------------------------
exits 0 "results" fq import -C repo7 "$D/results.csv" "$D/reported.csv"
res() { grep -l "^imported_from: results.csv#row$1\$" -r repo7/cases | xargs sed -n -e 's/^status: //p' -e 's/^outcome: //p' | tr '\n' ' ' | sed 's/ $//'; }
for r in 3 4 5 6 7 8 9 10; do is "results row $r closed written" "$(res $r)" "closed mediated_written"; done
is "pending performance → agreed" "$(res 11)" agreed
for r in 12 13 14; do is "results row $r oral" "$(res $r)" "closed mediated_oral"; done
for r in 15 16 17 18; do is "results row $r failed" "$(res $r)" "closed failed"; done
like "告知仲裁 → arbitration" "$(cat $(grep -l '^imported_from: results.csv#row18$' -r repo7/cases))" '^- arbitration$'
is "移交派出所 open → referred_out" "$(res 19)" referred_out
is "移交法庭 closed → referred_litigation" "$(res 20)" "closed referred_litigation"
is "转信访 closed → referred_other" "$(res 21)" "closed referred_other"
for r in 22 23 24 25 26; do is "results row $r mediating" "$(res $r)" mediating; done
is "撤回 → withdrawn" "$(res 27)" "closed withdrawn"
is "不愿调解 → refused" "$(res 28)" "closed refused"
is "不予受理 → rejected" "$(res 29)" "closed rejected"
is "不属调解范围 → rejected" "$(res 30)" "closed rejected"
is "empty with 受理日期 → accepted" "$(res 31)" accepted
is "empty without 受理日期 → reported" "$(sed -n 's/^status: //p' $(grep -l '^imported_from: reported.csv#row2$' -r repo7/cases))" reported
ok "fq check passes" fq check -C repo7

# --- history: the monthly report sees the ledger's dates --------------------
make_repo repo8
exits 0 "March ledger" fq import -C repo8 "$D/month1.csv"
exits 0 "April ledger re-lists and closes" fq import -C repo8 "$D/month2.csv"
like "updates, does not duplicate" "$(out)" '^update	QSZ-2024-000001	month2.csv#row3'
like "unchanged re-listing" "$(out)" '^same	QSZ-2024-000002'
like "a near match is a possible duplicate" "$(err)" 'month2.csv:5: possible duplicate of QSZ-2024-000002'
like "summary" "$(err)" '2 new, 1 updated, 1 possible duplicates'
Y=$(cat repo8/cases/2024/03/QSZ-2024-000001.yaml)
like "closed on the ledger's date" "$Y" '^closed_on: 2024-04-02$'
like "state change effective on it" "$(echo "$Y" | grep -B1 'kind: state_change' | tail -2)" 'effective_on: 2024-04-02'
is "two import events" "$(echo "$Y" | grep -c 'kind: import')" 2
exits 0 "the older ledger again changes nothing" fq import -C repo8 "$D/month1.csv"
like "no commit" "$(err)" 'nothing changed: no commit'
is "still closed" "$(sed -n 's/^status: //p' repo8/cases/2024/03/QSZ-2024-000001.yaml)" closed
ok "matching keys cached under .git/fq" test -s repo8/.git/fq/import-keys
is "one cached line per case" "$(wc -l <repo8/.git/fq/import-keys | tr -d ' ')" \
	"$(find repo8/cases -name '*.yaml' | wc -l | tr -d ' ')"
exits 0 "with the cache" fq import -C repo8 "$D/month2.csv"
G=$(out)
rm repo8/.git/fq/import-keys
exits 0 "without the cache" fq import -C repo8 "$D/month2.csv"
is "deleting the cache changes nothing" "$(out)" "$G"
like "all the same" "$(out | cut -f1 | sort -u)" '^same$'

# --- rules file --------------------------------------------------------------
cat >rules.yaml <<'R'
headers:
  原告: applicant
  被告: respondent
  事由摘要: summary
  立案日: accepted_on
defaults:
  category: 邻里纠纷
  source: screening
  year: 2023
  village: 前王村
R
printf '原告,被告,事由摘要,立案日\n王某,李某,噪音扰民,3月5日\n' >odd.csv
make_repo repo9
exits 0 "--rules maps unusual headers" fq import -C repo9 --rules rules.yaml odd.csv
Y=$(cat repo9/cases/2023/03/*.yaml)
like "year from the rules" "$Y" '^accepted_on: 2023-03-05$'
like "default category" "$Y" '^category: neighbor$'
like "default source" "$Y" '^source: screening$'
like "default village" "$Y" '^village: 前王村$'
like "roles from the rules' columns" "$Y" 'role: respondent'
printf 'headers:\n  x: nosuchfield\n' >badrules.yaml
exits 65 "a bad rules file is bad data" fq import -C repo9 --rules badrules.yaml odd.csv
like "names the field" "$(err)" "unknown field 'nosuchfield'"

# --- §4.3: layout, parties, phones, categories, colours, amounts --------------
make_repo repo10
exits 0 "messy fixtures" fq import -C repo10 "$D/layout.csv" "$D/parties.csv" \
	"$D/phones.csv" "$D/categories.csv" "$D/colors.csv" "$D/amounts.csv" \
	"$D/inconsistent.csv"
E=$(err)
cf() { REPO=repo10; f=$(grep -l -E "^imported_from: $1#row$2(-[0-9]+)?\$" -r repo10/cases | head -1); [ -n "$f" ] && cat "$f"; }
fv() { cf "$1" "$2" | sed -n "s/^$3: //p" | head -1; }
like "layout: two title rows, year from the title" "$E" 'layout.csv: header at row 3; year for dates without one: 2023 \(from the title\)'
like "layout: repeated header, footers (小计 合计 审核人 签字 盖章), blank and numbered-only rows skipped" "$E" 'layout.csv: 3 records from 14 rows \(0 continuation, 2 blank, 5 footer, 1 repeated header rows skipped; 3 cells copied'
is "layout: 3月5日 in 2023" "$(fv layout.csv 4 accepted_on)" 2023-03-05
is "layout: full-width comma kept inside an unquoted cell" "$(fv layout.csv 4 summary)" "两家因排水，发生争执"
is "layout: 同上 category" "$(fv layout.csv 8 category)" neighbor
is "layout: 〃 result copied" "$(fv layout.csv 8 status)" mediating
like "layout: line break inside a quoted cell" "$(cf layout.csv 10)" '多行'
like "parties: 、 splits" "$(cf parties.csv 2)" 'name: 李某'
like "parties: role prefix" "$(cf parties.csv 3)" 'role: applicant'
like "parties: role in brackets" "$(cf parties.csv 4)" 'role: applicant'
like "parties: 赵某等5户 is a group" "$(cf parties.csv 5)" 'households: 5'
is "parties: 诉 — left applicant, right respondent" "$(cf parties.csv 6 | grep -c 'role: applicant\|role: respondent')" 2
like "parties: company is an organisation" "$(cf parties.csv 7)" 'kind: organization'
like "parties: legal representative" "$(cf parties.csv 7)" 'representative: 法定代表人'
like "parties: 村委会 is an organisation" "$(cf parties.csv 8)" 'kind: organization'
like "parties: packed biography: age" "$(cf parties.csv 9)" 'age: 45'
like "parties: packed biography: phone" "$(cf parties.csv 9)" '"13800000001"'
like "parties: relation is a note" "$(cf parties.csv 10)" 'note: 长子'
like "parties: masked name accepted and marked" "$(cf parties.csv 11)" 'name_masked: true'
is "parties: line break splits" "$(cf parties.csv 12 | grep -c '  name: ')" 2
is "parties: 王氏兄弟三人 → 3 people" "$(fv parties.csv 13 people_involved)" 3
like "phones: .0 stripped" "$(cf phones.csv 2)" '"13800000001"'
like "phones: scientific notation flagged, not invented" "$(cf phones.csv 3)" '^- phone_lost_excel$'
like "ids: scientific notation flagged" "$(cf phones.csv 3)" '^- id_lost_excel$'
unlike "phones: nothing stored for the lost number" "$(cf phones.csv 3)" 'phones:'
like "phones: landline keeps its dash" "$(cf phones.csv 4)" '"0394-5550001"'
like "phones: mobile without dashes" "$(cf phones.csv 4)" '"13900000002"'
like "phones: masked kept as written" "$(cf phones.csv 5)" '138\*\*\*\*0001'
like "ids: apostrophe dropped, x upper-cased" "$(cf phones.csv 6)" '"11010519491231002X"'
like "ids: 15-digit accepted" "$(cf phones.csv 7)" '"110105491231002"'
unlike "placeholders → nothing" "$(cf phones.csv 8)" 'phones:|id_number:'
unlike "拒绝提供 → nothing" "$(cf phones.csv 9)" 'phones:|id_number:'
like "checksum failure is a warning" "$(cf phones.csv 10)" '^- id_checksum$'
is "categories: combination → first match" "$(fv categories.csv 2 category)" neighbor
is "categories: combination keeps the raw text" "$(fv categories.csv 2 subcategory_raw)" 邻里/宅基地
is "categories: 赡养" "$(fv categories.csv 3 category)" marriage_family
is "categories: 欠薪" "$(fv categories.csv 4 category)" labor
is "categories: traditional 鄰里糾紛" "$(fv categories.csv 5 category)" neighbor
is "categories: unknown → other" "$(fv categories.csv 6 category)" other
is "categories: unknown keeps its text" "$(fv categories.csv 6 subcategory_raw)" 飞碟纠纷
for r in 2 3 4; do is "colours row $r red" "$(fv colors.csv $r risk_color)" red; done
for r in 5 6 7; do is "colours row $r yellow" "$(fv colors.csv $r risk_color)" yellow; done
for r in 8 9; do is "colours row $r blue" "$(fv colors.csv $r risk_color)" blue; done
is "colours: lost fill → blue" "$(fv colors.csv 10 risk_color)" blue
like "colours: lost fill flagged" "$(cf colors.csv 10)" '^- color_unknown$'
is "amount 5000元" "$(fv amounts.csv 2 amount_in_dispute)" 5000
is "amount 5千" "$(fv amounts.csv 3 amount_in_dispute)" 5000
is "amount 0.5万" "$(fv amounts.csv 4 amount_in_dispute)" 5000
is "amount 1,200" "$(fv amounts.csv 5 amount_in_dispute)" 1200
is "amount 1.2万元" "$(fv amounts.csv 6 amount_in_dispute)" 12000
is "amount 伍仟元" "$(fv amounts.csv 7 amount_in_dispute)" 5000
like "amount in installments flagged" "$(cf amounts.csv 8)" '^- amount_installments$'
unlike "amount 无 → none" "$(cf amounts.csv 9)" 'amount_in_dispute'
is "people 3户" "$(fv amounts.csv 2 households_involved)" 3
is "people 5人" "$(fv amounts.csv 3 people_involved)" 5
is "people 约20人" "$(fv amounts.csv 4 people_involved)" 20
is "people 8户约20人" "$(fv amounts.csv 5 households_involved)/$(fv amounts.csv 5 people_involved)" 8/20
is "deadline date" "$(fv amounts.csv 2 due_on)" 2024-04-10
is "deadline 3月底前" "$(fv amounts.csv 3 due_on)" 2024-03-31
is "deadline 15天" "$(fv amounts.csv 4 due_on)" 2024-03-16
is "deadline 月底" "$(fv amounts.csv 5 due_on)" 2024-03-31
like "deadline 长期 kept in the plan" "$(fv amounts.csv 6 plan)" '长期'
like "inconsistent: closed before accepted imported with a warning" "$E" 'inconsistent.csv:2: closed_on: 2024-03-01 is before the intake date 2024-03-10'
is "inconsistent: not fixed" "$(fv inconsistent.csv 2 closed_on)" 2024-03-01
like "inconsistent: future date warned" "$E" 'inconsistent.csv:3: accepted_on: 2030-03-10 is in the future'
like "inconsistent: 销号 with 持续跟进 warned" "$E" "inconsistent.csv:4: result: '持续跟进' but the row is marked closed"
like "inconsistent: success with no date warned" "$E" 'inconsistent.csv:5: closed_on: the case is closed but the ledger gives no closing date'
ok "fq check passes" fq check -C repo10


# A line break typed in an Excel cell, saved on Windows: CR LF inside a
# quoted cell becomes one LF; other control characters a space.
make_repo repocr
printf '编号,登记日期,当事人,纠纷类型,简要情况\r\n1,2024-03-01,张三,邻里纠纷,"两家为排水沟\r\n争吵\a了"\r\n' >crlf.csv
exits 0 "a cell with CR LF inside imports" fq import -C repocr crlf.csv
F=$(ls repocr/cases/2024/03/*.yaml)
is "... as a line break" "$(sed -n '/^summary: /,/^[a-z]/p' "$F" | sed -n 2,3p)" "  两家为排水沟
  争吵 了"
unlike "... with no CR kept" "$(cat "$F")" "$(printf '\r')"
ok "... and fq check passes" fq check -C repocr

# --- a bulk import: its own pack and index, new files created in place ----
# (1200 cases: the store writes the pack and its .idx itself, one pass)
make_repo repobulk
exits 0 "1200 rows import" fq import -C repobulk many.csv
is "... in one commit" "$(commits repobulk)" 2
is "... 1200 cases" "$(git -C repobulk ls-tree -r --name-only HEAD cases | grep -c '\.yaml$')" 1200
ok "... git fsck --strict passes" git -C repobulk fsck --strict --no-dangling
IDX=$(ls repobulk/.git/objects/pack/pack-*.idx)
ok "... git verify-pack accepts the pack and its index" git -C repobulk verify-pack "$TEST_TMP/$IDX"
is "... which hold the 1200 blobs" "$(git -C repobulk verify-pack -v "$TEST_TMP/$IDX" | grep -c ' blob ')" 1200
is "... named by the pack's checksum" "$(tail -c 40 "$IDX" | head -c 20 | od -An -tx1 | tr -d ' \n')" "$(basename "$IDX" .idx | sed 's/^pack-//')"
is "... no temporary pack left" "$(ls repobulk/.git/objects/pack | grep -c tmp_)" 0
is "... git status clean (index entries match the files)" "$(git -C repobulk status --porcelain --untracked-files=all)" ""
is "... files are private" "$(find repobulk/cases -name '*.yaml' -perm /077 | wc -l | tr -d ' ')" 0
ok "... fq check passes" fq check -C repobulk
exits 0 "the same file again" fq import -C repobulk many.csv
is "... makes no commit" "$(commits repobulk)" 2
# updates: the files exist, so they are replaced (written beside, renamed)
awk 'BEGIN { print "序号,受理日期,当事人,纠纷类型,纠纷简要情况,调解结果,结案日期";
	for (i = 1; i <= 1200; i++) printf "%d,2024-03-01,当事人%d,邻里纠纷,噪音,调解成功,2024-03-20\n", i, i }' >many2.csv
exits 0 "a later ledger re-listing the cases" fq import -C repobulk many2.csv
like "... updates them" "$(err)" '0 new, 1200 updated'
is "... in one more commit" "$(commits repobulk)" 3
ok "... git fsck --strict passes" git -C repobulk fsck --strict --no-dangling
is "... git status clean" "$(git -C repobulk status --porcelain --untracked-files=all)" ""
is "... no temporary file left" "$(find repobulk -name '*.tmp*' -not -path '*/objects/*' | wc -l | tr -d ' ')" 0
like "... the files say what HEAD says" "$(git -C repobulk diff HEAD --stat)" '^$'

# Mediators whose UTF-8 shares a byte with 、，； (张 E5 BC A0, 四 E5 9B 9B):
# the splitter cut names inside a character and then looped forever
# (found by fuzz/fuzz_import.c).
make_repo repomed
printf '受理日期,纠纷类型,申请人,调解员,简要情况\n2024-03-05,邻里纠纷,王某,张三、李四；㐀某，赵六 钱七,吵架\n' >med.csv
exits 0 "mediators 张三、李四；㐀某，赵六 钱七 import (in bounded time)" \
	timeout 60 fq import -C repomed med.csv
F=$(ls repomed/cases/2024/03/*.yaml)
is "... as five names" "$(sed -n '/^mediators:/,/^[a-z]/p' "$F" | sed -n 's/^ *- //p' | tr '\n' ' ')" \
	"张三 李四 㐀某 赵六 钱七 "

done_testing
