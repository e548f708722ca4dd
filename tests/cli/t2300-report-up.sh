#!/bin/sh
# R7's 4-hour report up of a red case (an hour deadline, tested with a
# time pinned in FQ_TODAY), R8's complexity profile (simple / ordinary /
# complex, with its own handling period) and `fq list stale` (R16).
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
jget() {
	fq show -C repo --format json "$1" |
		sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}
setp() {	# setp KEY VALUE: deadlines.KEY in repo/fq.yaml, committed
	if grep -q '^deadlines:' repo/fq.yaml; then
		sed -i "/^deadlines:/a\\  $1: $2" repo/fq.yaml
	else
		printf 'deadlines:\n  %s: %s\n' "$1" "$2" >>repo/fq.yaml
	fi
	git -C repo -c user.name=t -c user.email=t@example.org commit -qam "deadlines.$1"
}

# --- FQ_TODAY pins a time too ----------------------------------------------
export FQ_TODAY=2024-03-20T09:15
R=$(TITLE=红色群体纠纷 new_case --mediator 李调解)
is "FQ_TODAY=DATETHH:MM stamps the events at that time" \
	"$(jget "$R" created_at)" "2024-03-20T09:15:00+08:00"
is "... and today is its date" "$(jget "$R" accepted_on)" 2024-03-20
exits 2 "FQ_TODAY=2024-03-20T25:00 is refused" env FQ_TODAY=2024-03-20T25:00 fq list -C repo
like "... saying what it expects" "$(err)" "FQ_TODAY='2024-03-20T25:00' is not a date \\(YYYY-MM-DD\\) or a time"
ok "an explicit offset" env FQ_TODAY=2024-03-20T01:15Z fq note -C repo "$R" 电话联系
like "... is kept as given" "$(fq show -C repo --format yaml "$R")" "at: 2024-03-20T01:15:00\\+00:00"

# --- R7: turned red at 10:00, to be reported up by 14:00 -------------------
ok "fq risk --color red at 10:00" env FQ_TODAY=2024-03-20T10:00 fq -C repo risk "$R" \
	--color red --lead 张副镇长 --plan 县镇联动
like "... reminds the clerk of the report up" "$(err)" \
	"$R is red: report it to the county .* fq note --kind report_up $R TEXT"
is "a red case not reported up: due_on the same day" "$(jget "$R" due_on)" 2024-03-20
is "... due_at 4 hours after it turned red" "$(jget "$R" due_at)" "2024-03-20T14:00:00+08:00"
exits 0 "fq due at 11:30" env FQ_TODAY=2024-03-20T11:30 fq due -C repo --within 0
like "... the report up, 3 hours left (rounded up)" "$(out)" \
	"^红 +$R +红色案件上报 +2024-03-20 +剩3小时 +红色群体纠纷"
unlike "... no warning yet" "$(err)" "not reported"
exits 0 "fq list overdue at 13:59: not yet" env FQ_TODAY=2024-03-20T13:59 fq list -C repo overdue --format tsv
is "... nothing" "$(out | sed 1d)" ""
exits 0 "fq due at 16:20" env FQ_TODAY=2024-03-20T16:20 fq due -C repo --within 0
like "... 3 hours late (2 h 20 min, rounded up), red first" "$(out | sed -n 2p)" \
	"^红 +$R +红色案件上报 +2024-03-20 +3小时 +红色群体纠纷"
like "... and a warning" "$(err)" \
	"^fq-due: warning: $R: red case not reported to the county \\(上报县综治中心\\) by 2024-03-20T14:00:00\\+08:00"
exits 0 "... JSON" env FQ_TODAY=2024-03-20T16:20 fq due -C repo --within 0 --format json
like "... rule report_up, due_at and hours_late" "$(out)" \
	"\"rule\": \"report_up\".*\"due_on\": \"2024-03-20\", \"days_late\": 0, \"referral\": null, \"due_at\": \"2024-03-20T14:00:00\\+08:00\", \"hours_late\": 3"
like "... a day deadline has due_at null" "$(FQ_TODAY=2024-03-20T16:20 fq due -C repo --within 40 --format json)" \
	"\"rule\": \"R1\".*\"due_at\": null, \"hours_late\": null"
exits 0 "fq list overdue at 14:01: listed the same day" env FQ_TODAY=2024-03-20T14:01 fq list -C repo overdue --format tsv
is "... the red case" "$(out | sed 1d | cut -f1)" "$R"
exits 0 "two days later, in days" env FQ_TODAY=2024-03-22T15:00 fq due -C repo --within 0
like "... 2 days late (49 hours)" "$(out)" "$R +红色案件上报 +2024-03-20 +2天"
exits 0 "the hours late come before what is due later" env FQ_TODAY=2024-03-20T16:20 fq due -C repo --within 40 --format tsv
is "... report_up, then R16 and R1" "$(out | sed 1d | cut -f3 | tr '\n' ' ')" "report_up R16 R1 "
is "... TSV: due_at and hours_late last" "$(out | sed -n 2p | cut -f9,10)" \
	"$(printf '2024-03-20T14:00:00+08:00\t3')"
is "... empty for a day deadline" "$(out | sed -n 4p | cut -f9,10)" "$(printf '\t')"

ok "fq note --kind report_up at 16:30" env FQ_TODAY=2024-03-20T16:30 \
	fq note -C repo --kind report_up "$R" 已电话报告县综治中心值班室
is "... due_at is gone" "$(jget "$R" due_at)" ""
is "... due_on is R1's again" "$(jget "$R" due_on)" 2024-04-22
exits 0 "... fq due" env FQ_TODAY=2024-03-20T17:00 fq due -C repo --within 0
unlike "... no report up item" "$(out)" "上报"
exits 0 "... fq list overdue" env FQ_TODAY=2024-03-20T17:00 fq list -C repo overdue --format tsv
is "... empty" "$(out | sed 1d)" ""
ok "the label works as --kind too (上报县综治中心)" env FQ_TODAY=2024-03-20T17:05 \
	fq note -C repo --kind 上报县综治中心 "$R" 补报书面材料
like "... recorded as report_up" "$(fq show -C repo --format yaml "$R")" "kind: report_up"

# yellow -> red again: a new report is owed
FQ_TODAY=2024-03-25T09:00 fq -C repo risk "$R" --color yellow >/dev/null 2>&1
is "yellow: no report up" "$(jget "$R" due_at)" ""
FQ_TODAY=2024-03-26T22:30 fq -C repo risk "$R" --color red >/dev/null 2>&1
is "red again at 22:30: due at 02:30 the next day" "$(jget "$R" due_at)" "2024-03-27T02:30:00+08:00"
is "... due_on that day" "$(jget "$R" due_on)" 2024-03-27
exits 0 "fq list overdue at 23:00 on the 26th: not yet" env FQ_TODAY=2024-03-26T23:00 fq list -C repo overdue --format tsv
is "... nothing" "$(out | sed 1d)" ""
exits 0 "at 03:00 on the 27th" env FQ_TODAY=2024-03-27T03:00 fq list -C repo overdue --format tsv
is "... listed" "$(out | sed 1d | cut -f1)" "$R"

ok "a report_up on a blue case is recorded, with a warning" env FQ_TODAY=2024-03-27T09:00 \
	fq note -C repo --kind report_up "$(TITLE=蓝色纠纷 new_case)" 报告
like "... the warning" "$(err)" "is not red"

# A case registered red: the clock runs from its registration.
N=$(FQ_TODAY=2024-03-27T08:00 new_case --risk red --lead 张副镇长 --plan 包案 2>/dev/null)
is "registered red at 08:00: due at 12:00" "$(jget "$N" due_at)" "2024-03-27T12:00:00+08:00"
# fq.yaml: 2 hours; off
setp report_red 2小时
P=$(git -C repo rev-parse HEAD)
ok "a step recomputes it" env FQ_TODAY=2024-03-27T08:30 fq -C repo mediate "$N" --mediator 李调解
is "deadlines.report_red: 2小时 -> 10:00" "$(jget "$N" due_at)" "2024-03-27T10:00:00+08:00"
git -C repo -c user.name=t -c user.email=t@example.org revert --no-edit "$P" >/dev/null
setp report_red off
exits 0 "deadlines.report_red: off" env FQ_TODAY=2024-03-27T18:00 fq due -C repo --within 0
unlike "... no report up item" "$(out)" "上报"
git -C repo -c user.name=t -c user.email=t@example.org revert --no-edit HEAD >/dev/null
exits 0 "a date-only FQ_TODAY compares days: a day later it is late" \
	env FQ_TODAY=2024-03-29 fq due -C repo --within 0 --format tsv
like "... the row" "$(out)" "$(printf '%s\tred\treport_up\t红色案件上报\t2024-03-27\t' "$N")"
ok "fq list overdue with a date-only FQ_TODAY" env FQ_TODAY=2024-03-29 fq list -C repo overdue
like "... has it" "$(out)" "$N"
exits 0 "on the due day, a date-only FQ_TODAY: due today, whatever the clock says" \
	env FQ_TODAY=2024-03-27 fq due -C repo --within 0
like "... 今天" "$(out)" "$N +红色案件上报 +2024-03-27 +今天"
exits 0 "... JSON: due_at, hours_late null (no clock)" env FQ_TODAY=2024-03-27 fq due -C repo --within 0 --format json
like "... the row" "$(out)" "\"id\": \"$N\".*\"rule\": \"report_up\".*\"due_at\": \"2024-03-27T12:00:00\+08:00\", \"hours_late\": null"
ok "... fq list overdue" env FQ_TODAY=2024-03-27 fq list -C repo overdue
unlike "... not yet" "$(out)" "$N"

# --- R8: complexity -------------------------------------------------------
export FQ_TODAY=2024-03-20
S=$(TITLE=简易纠纷 new_case --complexity simple)
is "fq new --complexity simple: stored" "$(jget "$S" complexity)" simple
is "... due 1 day after acceptance (R8)" "$(jget "$S" due_on)" 2024-03-21
O=$(TITLE=一般纠纷 new_case --complexity 一般)
is "--complexity takes the label: ordinary" "$(jget "$O" complexity)" ordinary
is "... due 7 days later (03-27)" "$(jget "$O" due_on)" 2024-03-27
X=$(TITLE=复杂纠纷 new_case --complexity fz)
is "... and pinyin: complex" "$(jget "$X" complexity)" complex
is "... due 20 days later: 04-09" "$(jget "$X" due_on)" 2024-04-09
exits 2 "--complexity hard: a usage error" new_case --complexity hard
like "... naming the choices" "$(err)" "simple"
exits 0 "fq due lists R8" env FQ_TODAY=2024-03-22 fq due -C repo --within 0
like "... 简易纠纷时限 1 day late" "$(out)" "$S +简易纠纷时限 +2024-03-21 +1天 +简易纠纷"
exits 0 "fq list overdue has the simple case" env FQ_TODAY=2024-03-22 fq list -C repo overdue --format tsv
like "... listed" "$(out)" "^$S	"
G=$(FQ_TODAY=2024-04-26 fq new -C repo --reported --source grid_report --reported-on 2024-04-26 \
	--title 网格上报纠纷 --category neighbor --summary 网格员上报 --party 孙某)
ok "fq accept --complexity simple, on Friday 04-26" env FQ_TODAY=2024-04-26 \
	fq accept -C repo "$G" --complexity 简易
is "... stored" "$(jget "$G" complexity)" simple
is "... due Saturday, moved to the 调休 Sunday 04-28" "$(jget "$G" due_on)" 2024-04-28
exits 2 "fq accept --complexity nonsense" fq accept -C repo "$G" --complexity nonsense
setp complexity_simple 3天
ok "the county's profile: complexity_simple 3天" env FQ_TODAY=2024-03-20 fq -C repo mediate "$S" --mediator 李调解
is "... R8 from it: 03-23 is a Saturday -> 03-25" "$(jget "$S" due_on)" 2024-03-25
setp complexity_complex off
ok "complexity_complex: off" fq -C repo mediate "$X" --mediator 李调解
is "... R1 only" "$(jget "$X" due_on)" 2024-04-22
ok "fq extend replaces R8" fq -C repo extend "$O" --until 2024-05-10 --consent
is "... due_on the extension" "$(jget "$O" due_on)" 2024-05-10
ok "fq check: complexity is a schema field" fq check -C repo

# --- fq list stale (R16) ----------------------------------------------------
make_repo st
Y=$(REPO=st TITLE=黄色久拖纠纷 new_case)
fq -C st risk "$Y" --color yellow --lead 张副镇长 --plan 一案一策 >/dev/null 2>&1
B=$(REPO=st TITLE=蓝色纠纷 new_case)
C=$(REPO=st TITLE=红色已结纠纷 new_case --mediator 李调解 --risk red --lead 张 --plan 包案 2>/dev/null)
fq -C st mediate "$C" >/dev/null
fq -C st agree "$C" --form oral --close >/dev/null
exits 0 "fq list stale on 03-30: not yet (stale after 03-30, a Saturday -> 04-01)" \
	env FQ_TODAY=2024-04-01 fq list -C st stale --format tsv
is "... nothing" "$(out | sed 1d)" ""
exits 0 "fq list stale on 04-02" env FQ_TODAY=2024-04-02 fq list -C st stale --format tsv
is "... the yellow case only (not the blue one, not the closed red one)" "$(out | sed 1d | cut -f1)" "$Y"
is "... the same without the index" \
	"$(FQ_NOINDEX=1 FQ_TODAY=2024-04-02 fq list -C st stale --format tsv | sed 1d | cut -f1)" "$Y"
is "... as fq due's R16" \
	"$(FQ_TODAY=2024-04-02 fq due -C st --within 0 --format tsv | awk -F'\t' '$3 == "R16" {print $1}')" "$Y"
is "... ANDed with other filters" "$(FQ_TODAY=2024-04-02 fq list -C st stale risk:red --format tsv | sed 1d)" ""
is "... fq export stale too" \
	"$(FQ_TODAY=2024-04-02 fq export -C st stale --format json | grep -c '"id":"')" 1
ok "a call on 04-02" env FQ_TODAY=2024-04-02 fq -C st note "$Y" 电话联系双方
exits 0 "... no longer stale" env FQ_TODAY=2024-04-02 fq list -C st stale --format tsv
is "... nothing" "$(out | sed 1d)" ""
exits 0 "... until 10 days later" env FQ_TODAY=2024-04-15 fq list -C st stale --format tsv
is "... stale again" "$(out | sed 1d | cut -f1)" "$Y"
printf 'deadlines:\n  stale: 20 days\n' >>st/fq.yaml
git -C st -c user.name=t -c user.email=t@example.org commit -qam stale
exits 0 "deadlines.stale: 20 days" env FQ_TODAY=2024-04-15 fq list -C st stale --format tsv
is "... not yet" "$(out | sed 1d)" ""
exits 2 "stale takes no value" fq list -C st stale:3
is "working trees equal HEAD" "$(git -C repo status --porcelain)$(git -C st status --porcelain)" ""

done_testing
