#!/bin/sh
# fq due and fq list overdue (the 督办 list) with a pinned FQ_TODAY, and the
# deadline arithmetic of DOMAIN.md §3.8 end to end through the commands:
# month ends, leap years, holidays and 调休 working days
# (schemas/holidays/2024.yaml).
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
REPO=repo

jget() {
	fq show -C repo --format json "$1" |
		sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}

# --- the cases (registered on 2024-03-20) ---------------------------------
R=$(TITLE=红色宅基地纠纷 new_case --accepted 2024-02-01 --mediator 李调解)
fq -C repo mediate "$R" >/dev/null
fq -C repo risk "$R" --color red --lead 张副镇长 >/dev/null 2>&1
fq -C repo note --kind report_up "$R" 已报县综治中心 >/dev/null	# R7: t2300
Y=$(TITLE=黄色土地纠纷 new_case --accepted 2024-03-01)
fq -C repo risk "$Y" --color yellow --lead 张副镇长 --plan 一案一策 >/dev/null 2>&1
B1=$(TITLE=闰年月末纠纷 new_case --accepted 2024-01-31)
B2=$(TITLE=平年月末纠纷 new_case --accepted 2023-01-31)
T=$(TITLE=移交法院纠纷 new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$T" >/dev/null
fq -C repo refer "$T" --to 青山县人民法院 --kind transfer --channel litigation >/dev/null
C=$(TITLE=已结案纠纷 new_case --accepted 2024-01-02 --mediator 李调解)
fq -C repo mediate "$C" >/dev/null
fq -C repo agree "$C" --form oral --close >/dev/null

# --- deadline arithmetic through the commands -------------------------------
is "R1: accepted 2024-01-31 + 1 month = 2024-02-29 (leap year)" "$(jget "$B1" due_on)" 2024-02-29
is "R1: accepted 2023-01-31 + 1 month = 2023-02-28" "$(jget "$B2" due_on)" 2023-02-28
is "R1: accepted 2024-03-01 + 1 month = 04-01 (Monday)" "$(jget "$Y" due_on)" 2024-04-01
is "the red case is due by R1 (03-01), earlier than its plan (R7, below)" \
	"$(jget "$R" due_on)" 2024-03-01
is "referred out: R1 paused, receipt due the next working day" "$(jget "$T" due_on)" 2024-03-21
is "closed: due for 归档 30 days after closed_on (R14)" "$(jget "$C" due_on)" 2024-04-19
# R15 counts working days: Sunday 2024-04-28 is a 调休 working day.
H=$(FQ_TODAY=2024-04-26 fq new -C repo --reported --source grid_report --reported-on 2024-04-26 \
	--title 网格上报纠纷 --category neighbor --summary 网格员上报 --party 孙某)
is "R15: reported Friday 04-26 + 3 working days = 04-30 (Sunday 04-28 is worked)" \
	"$(jget "$H" due_on)" 2024-04-30
# A due day in 国庆 moves to the next working day.
N=$(FQ_TODAY=2024-09-02 new_case --accepted 2024-09-01)
is "R1: accepted 2024-09-01 + 1 month = 10-01 (国庆) -> 10-08" "$(jget "$N" due_on)" 2024-10-08
# A due day on a 调休 Saturday stays.
P=$(FQ_TODAY=2024-09-09 fq receive -C repo --from 青山派出所 --kind transfer --channel police \
	--on 2024-09-09 --title 派出所移交纠纷 --category damages --summary 打架 --party 刘某 --party 陈某)
is "警调: 签收 09-09 + 5 days = Saturday 09-14, a 调休 working day: stays" "$(jget "$P" due_on)" 2024-09-14
# 清明 then a 调休 Sunday
Q=$(new_case --accepted 2024-03-05)
is "R1: 2024-03-05 + 1 month = 04-05 (清明) -> Sunday 04-07, worked" "$(jget "$Q" due_on)" 2024-04-07
# fq extend recomputes due_on
ok "extend --until 2024-05-07 --consent" fq -C repo extend "$Q" --until 2024-05-07 --consent
is "... due_on is the new date" "$(jget "$Q" due_on)" 2024-05-07
# R4: the 司法确认 window, 30 days from the agreement, moved off 国庆
A=$(FQ_TODAY=2024-09-02 new_case --accepted 2024-08-20 --mediator 李调解)
FQ_TODAY=2024-09-02 fq -C repo mediate "$A" >/dev/null
FQ_TODAY=2024-09-02 fq -C repo agree "$A" --form oral --effective 2024-09-01 --perform by:2024-09-30 >/dev/null
is "R6: the first visit 15 days after performance_due 09-30 = 10-15" "$(jget "$A" due_on)" 2024-10-15
ok "confirm applied on 10-08, the window's last day after 国庆" \
	env FQ_TODAY=2024-10-09 fq -C repo confirm "$A" --applied 2024-10-08
unlike "... no late warning" "$(err)" "window"
ok "confirm applied on 10-09" env FQ_TODAY=2024-10-09 fq -C repo confirm "$A" --applied 2024-10-09
like "... warns it is late" "$(err)" "after the 30-day window that ended 2024-10-08"

# --- fq due on 2024-03-28 ------------------------------------------------
export FQ_TODAY=2024-03-28
exits 0 "fq due" fq due -C repo
table=$(out)
like "... a header" "$table" "^风险 +ID +事项 +时限 +逾期 +纠纷名称"
is "... red first, then blue by days late (yellow is due in 4 days: not yet)" \
	"$(printf '%s\n' "$table" | sed 1d | awk '{print $1, $2}' | tr '\n' '|')" \
	"红 $R|红 $R|蓝 $B2|蓝 $B1|蓝 $T-R1|"
like "... R1 of the red case 27 days late" "$table" "$R +调解期限 +2024-03-01 +27天 +红色宅基地纠纷"
like "... its plan 3 days late" "$table" "$R +红色案件一案.* +2024-03-25 +3天"
like "... the leap-year case 28 days late" "$table" "$B1 +调解期限 +2024-02-29 +28天"
like "... the referral awaiting 签收" "$table" "$T-R1 +移交待签收 +2024-03-21 +7天"
unlike "... no closed case" "$table" "$C"
unlike "... nothing not yet due" "$table" "$Y|$H|$N|$P|$Q"
like "R7: a warning for the red case without a plan" "$(err)" \
	"^fq-due: warning: $R: red case without a plan \\(一案一策\\) since 2024-03-25, 3 day\\(s\\) late"
exits 0 "fq due --within 7" fq due -C repo --within 7
like "... now the yellow case, after the red ones" \
	"$(out | sed 1d | awk '{print $1, $2}' | tr '\n' '|')" "^红 $R\\|红 $R\\|红 $R\\|黄 $Y\\|黄 $Y\\|蓝 "
like "... the red case without news for 10 days (R16)" "$(out)" "$R +红黄案件无进展 +2024-04-01 +还剩4天"
like "... due in 4 days" "$(out)" "$Y +调解期限 +2024-04-01 +还剩4天"
exits 0 "fq due --within 0" fq due -C repo --within 0
is "... only what is late" "$(out | sed 1d | wc -l | tr -d ' ')" 5
exits 0 "on the due day itself" env FQ_TODAY=2024-03-21 fq due -C repo --within 0
like "... says today" "$(out)" "$T-R1 +移交待签收 +2024-03-21 +今天"
exits 0 "--format tsv" fq due -C repo --format tsv
is "... header" "$(out | sed -n 1p)" \
	"$(printf 'id\trisk_color\trule\twhat\tdue_on\tdays_late\treferral\ttitle\tdue_at\thours_late')"
like "... the referral row" "$(out)" \
	"$(printf '%s\tblue\treceipt\t移交待签收\t2024-03-21\t7\t1\t移交法院纠纷' "$T")"
like "... the red R1 row" "$(out)" "$(printf '%s\tred\tR1\t调解期限\t2024-03-01\t27\t0\t' "$R")"
exits 0 "--format json" fq due -C repo --format json
json=$(out)
like "... an array" "$json" '^\['
is "... five items" "$(printf '%s\n' "$json" | grep -c '"id": ')" 5
like "... with days_late and the referral" "$json" \
	"\"id\": \"$T\", .*\"risk_color\": \"blue\", \"rule\": \"receipt\".*\"due_on\": \"2024-03-21\", \"days_late\": 7, \"referral\": 1"
like "... and the case's keys DESIGN.md asks for" "$json" \
	"\"id\": \"$T\", \"status\": \"referred_out\", \"outcome\": null, \"category\": \"housing_homestead\", \"accepted_on\": \"2024-03-05\", \"risk_color\": \"blue\".*\"title\": \"移交法院纠纷\""
like "... a case item has referral null" "$json" "\"id\": \"$B2\".*\"days_late\": 394, \"referral\": null"
exits 2 "--within -1: usage error" fq due -C repo --within -1
exits 2 "--within x: usage error" fq due -C repo --within x
exits 2 "--format xml: usage error" fq due -C repo --format xml
exits 0 "an empty list: nothing but the header" env FQ_TODAY=2023-01-01 fq due -C repo
is "... one line" "$(out | wc -l | tr -d ' ')" 1
exits 0 "... and [] in JSON" env FQ_TODAY=2023-01-01 fq due -C repo --format json
is "... []" "$(out)" "[]"

# The referral, once signed for, leaves the receipt list; its result clock
# runs from the 签收.
ok "签收 of the referral on 03-22" fq -C repo receive "$T" --referral 1 --on 2024-03-22
exits 0 "fq due" fq due -C repo --within 30
unlike "... no receipt item" "$(out)" "移交待签收"
like "... the result is due a month after 签收" "$(out)" "$T-R1 +移交待反馈 +2024-04-22 +还剩25天"
like "... a full 逾期 column still leaves two spaces before the title" "$(out)" "还剩25天  移交法院纠纷"
like "... the header's 纠纷名称 above the titles" "$(out)" "^风险  ID {19}事项 {12}时限 {8}逾期 {6}纠纷名称"
like "... a short one is padded to the same column" "$(out)" "2024-03-01  27天      红色宅基地纠纷"

# --- fq list overdue ----------------------------------------------------
exits 0 "fq list overdue" fq list -C repo overdue --format tsv
is "... the late cases" "$(out | sed 1d | cut -f1 | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$R" "$B1" "$B2" | sort | tr '\n' ' ')"
exits 0 "fq list overdue risk:red" fq list -C repo overdue risk:red --format tsv
is "... only the red one" "$(out | sed 1d | cut -f1)" "$R"
exits 0 "fq list overdue --format json" fq list -C repo overdue --format json
like "... due_on in JSON" "$(out)" "\"due_on\": \"2024-02-29\""
exits 0 "later, the referral's result is overdue too" \
	env FQ_TODAY=2024-04-23 fq list -C repo overdue --format tsv
like "... listed" "$(out)" "^$T	referred_out"
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""

# --- R14 归档 and R16 stale, in a repository of their own ----------------
export FQ_TODAY=2024-03-20
make_repo rp
kget() {
	fq show -C rp --format json "$1" |
		sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}
setp() {	# setp KEY VALUE: deadlines.KEY in rp/fq.yaml, committed
	if grep -q '^deadlines:' rp/fq.yaml; then
		sed -i "/^deadlines:/a\\  $1: $2" rp/fq.yaml
	else
		printf 'deadlines:\n  %s: %s\n' "$1" "$2" >>rp/fq.yaml
	fi
	git -C rp -c user.name=t -c user.email=t@example.org commit -qam "deadlines.$1"
}
A=$(REPO=rp TITLE=待归档纠纷 new_case --mediator 李调解)
fq -C rp mediate "$A" >/dev/null
fq -C rp agree "$A" --form oral --close >/dev/null
is "R14: closed 03-20, 归档 due 30 days later" "$(kget "$A" due_on)" 2024-04-19
H=$(REPO=rp TITLE=历史纠纷 new_case --accepted 2024-01-05 --mediator 李调解)
fq -C rp mediate "$H" --on 2024-01-06 >/dev/null
fq -C rp fail "$H" --advised litigation --on 2024-01-20 >/dev/null
is "... not for a case closed before it was entered (a historical one)" "$(kget "$H" due_on)" ""
exits 0 "fq due on 04-25" env FQ_TODAY=2024-04-25 fq due -C rp --within 0
like "... the closed case awaits 归档, 6 days late" "$(out)" "$A +结案待归档 +2024-04-19 +6天"
unlike "... not the historical one" "$(out)" "$H"
exits 0 "... JSON" env FQ_TODAY=2024-04-25 fq due -C rp --within 0 --format json
like "... rule R14" "$(out)" "\"id\": \"$A\", \"status\": \"closed\".*\"rule\": \"R14\""
unlike "fq list overdue: closed cases are not in it" \
	"$(FQ_TODAY=2024-04-25 fq list -C rp overdue --format tsv)" "$A"
setp archive_from 2024-04-01
exits 0 "deadlines.archive_from 2024-04-01: R14 only for cases closed since" env FQ_TODAY=2024-04-25 fq due -C rp --within 0
unlike "... the case closed 03-20 is left out" "$(out)" "$A"
git -C rp -c user.name=t -c user.email=t@example.org revert --no-edit HEAD >/dev/null
setp archive off
exits 0 "deadlines.archive off: no R14" env FQ_TODAY=2024-04-25 fq due -C rp --within 0
unlike "... nothing for the closed case" "$(out)" "$A"
git -C rp -c user.name=t -c user.email=t@example.org revert --no-edit HEAD >/dev/null
ok "archive it" fq -C rp archive "$A" --docket "（2024）青人调字第1号" \
	--doc application,notice,id_proof,record
exits 0 "... fq due" env FQ_TODAY=2024-04-25 fq due -C rp --within 0
unlike "... no longer listed" "$(out)" "$A"
is "... nothing due" "$(kget "$A" due_on)" ""

Y2=$(REPO=rp TITLE=黄色久拖纠纷 new_case)
fq -C rp risk "$Y2" --color yellow --lead 张副镇长 --plan 一案一策 >/dev/null 2>&1
exits 0 "R16: the yellow case, no event since 03-20, on 04-02" \
	env FQ_TODAY=2024-04-02 fq due -C rp --within 0
like "... flagged stale a day late (03-30 a Saturday: 04-01)" "$(out)" "$Y2 +红黄案件无进展 +2024-04-01 +1天"
is "... not its due_on (a flag, not a time limit)" "$(kget "$Y2" due_on)" 2024-04-22
exits 0 "... tsv: rule R16" env FQ_TODAY=2024-04-02 fq due -C rp --within 0 --format tsv
like "... the row" "$(out)" "$(printf '%s\tyellow\tR16\t' "$Y2")"
ok "a call on 04-02" env FQ_TODAY=2024-04-02 fq -C rp note "$Y2" 电话联系双方
exits 0 "... fq due" env FQ_TODAY=2024-04-02 fq due -C rp --within 0
unlike "... no longer stale" "$(out)" "$Y2"
N2=$(REPO=rp TITLE=蓝色案件 new_case)
exits 0 "a blue case is never stale" env FQ_TODAY=2024-04-15 fq due -C rp --within 0 --format tsv
like "... the yellow one is" "$(out)" "$Y2	yellow	R16"
unlike "... no R16 row for the blue one" "$(out)" "$N2	blue	R16"
setp stale off
exits 0 "deadlines.stale off" env FQ_TODAY=2024-05-31 fq due -C rp --within 0
unlike "... no R16" "$(out)" "无进展"

# a case file that cannot be read: the list is printed, the exit code is 65
printf 'id: [\n' >rp/cases/2024/03/QSZ-2024-000099.yaml
git -C rp add -A && git -C rp -c user.name=t -c user.email=t@example.org commit -qm broken
exits 65 "fq due with an unreadable case file: 65, as fq list" \
	env FQ_TODAY=2024-04-02 fq due -C rp --within 30
like "... after printing the rest" "$(out)" "$Y2 +调解期限 +2024-04-22"
like "... and says why" "$(err)" "1 case file\\(s\\) could not be read"
exits 65 "... without the index too" env FQ_NOINDEX=1 FQ_TODAY=2024-04-02 fq due -C rp --within 30
like "... the same rows" "$(out)" "$Y2 +调解期限 +2024-04-22"
exits 65 "... fq list agrees" fq list -C rp

done_testing
