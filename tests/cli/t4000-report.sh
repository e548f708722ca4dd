#!/bin/sh
# fq report: the monthly 台账 report, worked out by hand for two months.
. "$(dirname "$0")/lib.sh"
exec </dev/null

# fig FILE NAME: a figure of a JSON report (figures.NAME, or a dotted path)
fig() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d=d[k]
print(d if not isinstance(d,list) else " ".join(d))' "$1" "$2"
}
at() {	# at DATE CMD...: run a command on that day
	_d=$1; shift
	FQ_TODAY=$_d "$@"
}

make_repo
cat >> repo/fq.yaml <<'YAML'
preparer: 李调解
reviewer: 王主任
YAML
git -C repo -c user.name=t -c user.email=t@x commit -qam "fq.yaml: preparer and reviewer"
export FQ_DIR=repo

# --- the fixture ----------------------------------------------------------
# A  前王村 neighbour dispute, accepted in February, closed in March with a
#    written agreement (5000 yuan), visited and confirmed by the court.
A=$(at 2024-02-20 fq new --title 王某甲与王某乙通行纠纷 --category neighbor \
	--summary 通行道路被堵 --party 王某甲:申请人:13800000001 --party 王某乙 \
	--village 前王村 --accepted 2024-02-20)
at 2024-02-22 fq mediate "$A" --mediator 李调解 >/dev/null
at 2024-03-05 fq agree "$A" --form written --number '（2024）青人调协字第1号' \
	--amount 5000 --effective 2024-03-05 --perform by:2024-03-15 >/dev/null
at 2024-03-10 fq visit "$A" --method phone --satisfaction 满意 >/dev/null
at 2024-03-12 fq close "$A" --performed 2024-03-12 >/dev/null
at 2024-03-20 fq confirm "$A" --applied 2024-03-14 --court 青山人民法庭 \
	--decided 2024-03-20 --result valid >/dev/null
# B  后张村 family dispute from the police, mediation fails in March.
B=$(at 2024-03-04 fq new --title 张某赡养纠纷 --category marriage_family \
	--summary 赡养费分担 --party 张某 --source police_transfer \
	--village 后张村 --accepted 2024-03-04)
at 2024-03-06 fq mediate "$B" --mediator 陈调解 >/dev/null
at 2024-03-20 fq fail "$B" --advised litigation >/dev/null
# C  no village (镇级直办) contract dispute, yellow; oral agreement on the
#    spot in March; re-opened in April and still open, overdue (due 04-08).
C=$(at 2024-03-08 fq new --title 赵某欠款纠纷 --category contract \
	--summary 赵某拖欠钱某货款，钱某电话13900000002 --party 赵某 \
	--party 钱某 --accepted 2024-03-08 --risk yellow --plan 督促赵某还款 \
	--lead 李副镇长)
at 2024-03-10 fq mediate "$C" --mediator 李调解 >/dev/null
at 2024-03-25 fq agree "$C" --form oral --amount 800 --effective 2024-03-25 \
	--close >/dev/null
at 2024-04-03 fq reopen "$C" --reason 履行争议 >/dev/null
# D  小李庄, found by the grid in March, accepted in April.
D=$(at 2024-03-15 fq new --reported --title 小李庄承包地边界 \
	--category land_forest --summary 边界不清 --source grid_report \
	--village 小李庄 --reported-on 2024-03-15)
at 2024-04-02 fq accept "$D" --party 赵某 >/dev/null
# E  前王村 homestead dispute, red, accepted 03-28, withdrawn 04-10 (after
#    the March report was first run).
E=$(at 2024-03-28 fq new --title 孙某宅基地纠纷 --category housing_homestead \
	--summary 孙某与李某宅基地界址争议 --party 孙某 --party 李某 \
	--village 前王村 --accepted 2024-03-28 --risk red --plan 县镇联动 \
	--lead 张副镇长)
# ... reported up to the county at once (R7), so it is not overdue
at 2024-03-28 fq note --kind report_up "$E" 已电话报告县综治中心 >/dev/null
FQ_TODAY=2024-04-01 fq report --month 2024-03 --format json -o march-before.json
FQ_TODAY=2024-04-01 fq report --month 2024-03 --format csv -o march-before.csv
at 2024-04-10 fq withdraw "$E" >/dev/null
# F  a double registration of B, merged: left out everywhere.
F=$(at 2024-03-12 fq new --title 张某赡养纠纷（重复） --category marriage_family \
	--summary 重复登记 --party 张某 --village 后张村 --accepted 2024-03-12)
at 2024-03-13 fq merge "$F" --into "$B" >/dev/null
# G  screened in April and rejected before acceptance: screened, not closed.
G=$(at 2024-04-05 fq new --reported --title 排查线索 --category other \
	--summary 不属实 --source screening --reported-on 2024-04-05)
at 2024-04-06 fq reject "$G" --reason 经核实不属实 >/dev/null
# H  delegated by the court (诉调) in April.
H=$(at 2024-04-15 fq receive --from 青山人民法庭 --kind delegate --channel 诉调 \
	--title 刘某买卖合同纠纷 --category contract --summary 退货争议 \
	--party 刘某 --on 2024-04-15 | tail -1)
is "eight cases" "$(fq list --format tsv | sed 1d | wc -l | tr -d ' ')" 8

export FQ_TODAY=2024-05-01
ok "march json" fq report --month 2024-03 --format json -o march.json
ok "april json" fq report --month 2024-04 --format json -o april.json

# --- March, by hand --------------------------------------------------------
# carried_in   A (accepted 02-20, open on 02-29)                      = 1
# new          B 03-04, C 03-08, E 03-28 (F is a duplicate, D only
#              reported)                                              = 3
#   application C, E = 2; proactive 0; referred B (police) = 1
# screened     D (reported_on 03-15)                                  = 1
# closed       A 03-12 written, B 03-20 failed, C 03-25 oral          = 3
# mediated_ok  A, C = 2; mediated_fail B = 1; resolved A, C = 2
# carried_out  1 + 3 + 0 - 3 = 1 (E), open at 03-31: E               = 1
# overdue      E due 04-28: none                                      = 0
# agreements   A 5000 (eff 03-05), C 800 (eff 03-25)    = 2, 5800.00
# performed    A 03-12, C 03-25 (performed on the spot)              = 2
# 司法确认      A applied 03-14, decided valid 03-20         = 1 and 1
# visits       A 03-10                                                = 1
# visit_due    A: later of 03-05 and 03-15, + 15 days = 03-30, a
#              Saturday, so 04-01; C: 03-25 + 15 = 04-09: none in March
# rates        调解成功率 2/3 = 66.7%, 受理口径 2/(1+3) = 50.0%,
#              化解率 2/4 = 50.0%, 办结率 3/4 = 75.0%, 回访率 —,
#              超期率 0/1 = 0.0%
m=march.json
is "march carried_in" "$(fig $m figures.carried_in)" 1
is "march new" "$(fig $m figures.new)" 3
is "march new ids" "$(fig $m cases.new)" "$B $C $E"
is "march new_application" "$(fig $m figures.new_application)" 2
is "march new_proactive" "$(fig $m figures.new_proactive)" 0
is "march new_referred" "$(fig $m cases.new_referred)" "$B"
is "march screened" "$(fig $m cases.screened)" "$D"
is "march closed" "$(fig $m cases.closed)" "$A $B $C"
is "march outcomes" "$(fig $m figures.outcomes.mediated_written)/$(fig $m figures.outcomes.mediated_oral)/$(fig $m figures.outcomes.failed)/$(fig $m figures.outcomes.withdrawn)" 1/1/1/0
is "march mediated_ok" "$(fig $m cases.mediated_ok)" "$A $C"
is "march mediated_fail" "$(fig $m cases.mediated_fail)" "$B"
is "march resolved" "$(fig $m figures.resolved)" 2
is "march reopened" "$(fig $m figures.reopened)" 0
is "march carried_out" "$(fig $m cases.carried_out)" "$E"
is "march open_end" "$(fig $m figures.open_end)" 1
is "march overdue_open" "$(fig $m figures.overdue_open)" 0
is "march agreements" "$(fig $m figures.agreements)" 2
is "march agreement_amount" "$(fig $m figures.agreement_amount)" 5800.0
is "march performed" "$(fig $m figures.performed)" 2
is "march confirmed" "$(fig $m figures.confirmed)/$(fig $m figures.confirm_applied)" 1/1
is "march visits" "$(fig $m figures.visits)" 1
is "march visit_due" "$(fig $m figures.visit_due)" 0
is "march 调解成功率" "$(fig $m rates.mediation_success.text)" 66.7%
is "march 受理口径" "$(fig $m rates.mediation_success_intake.text)" 50.0%
is "march 化解率" "$(fig $m rates.resolution.text)" 50.0%
is "march 办结率" "$(fig $m rates.completion.text)" 75.0%
is "march 回访率 (no denominator)" "$(fig $m rates.visit.text)" —
is "march 回访率 is null in JSON" "$(fig $m rates.visit.percent)" None
is "march 超期率" "$(fig $m rates.overdue.text)" 0.0%
is "march the duplicate is nowhere" "$(grep -c "$F" $m)" 0
# by unit: 前王村 A, E; 后张村 B; 小李庄 D; 镇级直办 C
is "march 前王村" "$(fig $m by_unit.前王村.figures.carried_in)/$(fig $m by_unit.前王村.figures.new)/$(fig $m by_unit.前王村.figures.closed)/$(fig $m by_unit.前王村.figures.carried_out)" 1/1/1/1
is "march 后张村" "$(fig $m by_unit.后张村.figures.new)/$(fig $m by_unit.后张村.figures.mediated_fail)" 1/1
is "march 小李庄" "$(fig $m by_unit.小李庄.figures.screened)/$(fig $m by_unit.小李庄.figures.new)" 1/0
is "march 镇级直办" "$(fig $m by_unit.镇级直办.cases.mediated_oral)" "$C"
is "march by category: contract" "$(fig $m by_category.contract.figures.new)/$(fig $m by_category.contract.figures.resolved)" 1/1
is "march by category: neighbor" "$(fig $m by_category.neighbor.figures.carried_in)/$(fig $m by_category.neighbor.rates.mediation_success.text)" 1/100.0%

# --- April, by hand --------------------------------------------------------
# carried_in   E                                                      = 1
# new          D accepted 04-02 (grid_report: proactive), H 04-15
#              (court: referred)                                      = 2
# screened     G (reported 04-05); D was reported in March            = 1
# reopened     C 04-03 (not new)                                      = 1
# closed       E withdrawn 04-10; G rejected before acceptance was
#              never open, so it is not closed                        = 1
# carried_out  1 + 2 + 1 - 1 = 3 (C, D, H) = open at 04-30
# overdue      C due 03-08 + 1 month = 04-08 < 04-30; D due 05-06,
#              H 05-15                                                = 1
# visit_due    A (04-01, visited 03-10), C (04-09, never visited)
#              = 2, visited 1: 回访率 50.0%
# rates        调解成功率 — (0/0), 受理口径 0/3 = 0.0%, 化解率 0.0%,
#              办结率 1/3 = 33.3%, 超期率 1/3 = 33.3%
# 对接         诉调 收到 1 (H)
m=april.json
is "april carried_in" "$(fig $m cases.carried_in)" "$E"
is "april new" "$(fig $m cases.new)" "$D $H"
is "april new_proactive" "$(fig $m cases.new_proactive)" "$D"
is "april new_referred" "$(fig $m cases.new_referred)" "$H"
is "april screened" "$(fig $m cases.screened)" "$G"
is "april reopened" "$(fig $m cases.reopened)" "$C"
is "april closed" "$(fig $m cases.closed)" "$E"
is "april ended" "$(fig $m figures.ended)/$(fig $m figures.outcomes.withdrawn)/$(fig $m figures.outcomes.rejected)" 1/1/0
is "april resolved" "$(fig $m figures.resolved)" 0
is "april carried_out" "$(fig $m cases.carried_out)" "$C $D $H"
is "april open_end" "$(fig $m figures.open_end)" 3
is "april overdue_open" "$(fig $m cases.overdue_open)" "$C"
is "april visit_due/visited" "$(fig $m figures.visit_due)/$(fig $m figures.visited)" 2/1
is "april agreements" "$(fig $m figures.agreements)" 0
is "april 调解成功率" "$(fig $m rates.mediation_success.text)" —
is "april 受理口径" "$(fig $m rates.mediation_success_intake.text)" 0.0%
is "april 办结率" "$(fig $m rates.completion.text)" 33.3%
is "april 回访率" "$(fig $m rates.visit.text)" 50.0%
is "april 超期率" "$(fig $m rates.overdue.text)" 33.3%
is "april previous month's new" "$(fig $m previous.figures.new)" 3
is "april 镇级直办" "$(fig $m by_unit.镇级直办.figures.reopened)/$(fig $m by_unit.镇级直办.figures.carried_out)/$(fig $m by_unit.镇级直办.figures.overdue_open)" 1/2/1
is "april trend: 12 months, March 3 new 2 resolved, April 2 new 0 resolved" \
	"$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["trend"]; print(len(t), t[-2], t[-1])' $m)" \
	"12 {'month': '2024-03', 'new': 3, 'resolved': 2} {'month': '2024-04', 'new': 2, 'resolved': 0}"

# --- 年度累计 (YTD) and table 5 (综治 排查情况表), by hand -------------------------
# YTD is 2024-01-01 .. end of the month; carried_in is the carry-over into
# the year (none: the first case is A, accepted 02-20).
# March YTD  new A, B, C, E = 4; closed A, B, C = 3; resolved A, C = 2;
#            mediated_ok A, C; mediated_fail B; 化解率 2/(0+4) = 50.0%
# April YTD  new + D, H = 6; closed + E = 4; resolved 2; ok 2, fail 1;
#            化解率 2/(0+6) = 33.3%
# Table 5: 综治 category by the default mapping of zz_categories.yaml (A
# neighbor and B marriage_family: family; C, H contract: economic; D
# land_forest and E housing_homestead: land_resources; G other: other);
# column 村居 for a case with a village (A, B, D, E), else 乡镇街道 (C, G, H).
#   排查数 = screened or new in the period, each case once
#   调处数 = a mediation act in the period (a handling event, or a move to
#           mediating/agreed) or resolved in it
#   成功数 = resolved in the period
# March  排查 C | B, D (screened), E      = 1 | 3, 小计 4; YTD + A       = 5
#        调处 C (mediating 03-10) | A (agreement 03-05, closed 03-12),
#             B (mediating 03-06); D, E had only an intake = 1 | 2, 3; YTD 3
#        成功 C | A = 1 | 1, 2; YTD 2
#        调处率 1/1 100.0% | 2/3 66.7%, 3/4 75.0%; YTD 3/5 60.0%
#        成功率 1/1 100.0% | 1/2 50.0%, 2/3 66.7%; YTD 2/3 66.7%
#        family 排查 B = 0|1, YTD A, B = 2; 调处 A, B = 0|2, YTD 2; 成功 A
#        land_resources 排查 D, E = 0|2; 调处 0
#        重大矛盾纠纷 (red: E) 排查 0|1, 调处 0, 成功 0, 成功率 —
# April  排查 G (screened), H | D (new 04-02) = 2 | 1, 3; YTD A B C D E G H = 7
#        调处 C (reopened to mediating 04-03) | none = 1 | 0, 1; YTD A B C = 3
#        成功 none = 0; YTD A, C = 2
#        调处率 1/2 50.0% | 0/1 0.0%, 1/3 33.3%; YTD 3/7 42.9%
#        成功率 0/1 0.0% | 0/0 —, 0/1 0.0%; YTD 2/3 66.7%
m=march.json
is "march ytd period" "$(fig $m ytd.period.from)..$(fig $m ytd.period.to)" 2024-01-01..2024-03-31
is "march ytd new" "$(fig $m ytd.cases.new)" "$A $B $C $E"
is "march ytd carried_in/closed/resolved/ok/fail" "$(fig $m ytd.figures.carried_in)/$(fig $m ytd.figures.closed)/$(fig $m ytd.figures.resolved)/$(fig $m ytd.figures.mediated_ok)/$(fig $m ytd.figures.mediated_fail)" 0/3/2/2/1
is "march ytd 化解率" "$(fig $m ytd.rates.resolution.text)" 50.0%
is "march zz 排查数" "$(fig $m zz.total.screened.township)/$(fig $m zz.total.screened.village)/$(fig $m zz.total.screened.subtotal)/$(fig $m zz.total.screened.ytd)" 1/3/4/5
is "march zz 排查数 cases" "$(fig $m zz.cases.screened.village)" "$B $D $E"
is "march zz 调处数" "$(fig $m zz.total.handled.township)/$(fig $m zz.total.handled.village)/$(fig $m zz.total.handled.subtotal)/$(fig $m zz.total.handled.ytd)" 1/2/3/3
is "march zz 调处数 cases" "$(fig $m zz.cases.handled.village)" "$A $B"
is "march zz 成功数" "$(fig $m zz.total.success.township)/$(fig $m zz.total.success.village)/$(fig $m zz.total.success.subtotal)/$(fig $m zz.total.success.ytd)" 1/1/2/2
is "march zz 调处率" "$(fig $m zz.total.handling_rate.township.text) $(fig $m zz.total.handling_rate.village.text) $(fig $m zz.total.handling_rate.subtotal.text) $(fig $m zz.total.handling_rate.ytd.text)" "100.0% 66.7% 75.0% 60.0%"
is "march zz 成功率" "$(fig $m zz.total.success_rate.township.text) $(fig $m zz.total.success_rate.village.text) $(fig $m zz.total.success_rate.subtotal.text) $(fig $m zz.total.success_rate.ytd.text)" "100.0% 50.0% 66.7% 66.7%"
is "march zz family" "$(fig $m zz.by_category.family.screened.village)/$(fig $m zz.by_category.family.screened.ytd)/$(fig $m zz.by_category.family.handled.village)/$(fig $m zz.by_category.family.success.subtotal)" 1/2/2/1
is "march zz land_resources" "$(fig $m zz.by_category.land_resources.screened.subtotal)/$(fig $m zz.by_category.land_resources.handled.subtotal)" 2/0
is "march zz 重大矛盾纠纷" "$(fig $m zz.major.screened.village)/$(fig $m zz.major.handled.subtotal)/$(fig $m zz.major.success_rate.subtotal.text)" "1/0/—"
is "march zz economic" "$(fig $m zz.by_category.economic.screened.township)/$(fig $m zz.by_category.economic.success.township)" 1/1
m=april.json
is "april ytd new" "$(fig $m ytd.cases.new)" "$A $B $C $D $E $H"
is "april ytd closed/resolved/ok/fail" "$(fig $m ytd.figures.closed)/$(fig $m ytd.figures.resolved)/$(fig $m ytd.figures.mediated_ok)/$(fig $m ytd.figures.mediated_fail)" 4/2/2/1
is "april ytd 化解率 = resolved_ytd / (carried_in at Jan 1 + new_ytd)" "$(fig $m ytd.rates.resolution.numerator)/$(fig $m ytd.rates.resolution.denominator) $(fig $m ytd.rates.resolution.text)" "2/6 33.3%"
is "april ytd by unit: 后张村" "$(fig $m by_unit.后张村.ytd.figures.new)/$(fig $m by_unit.后张村.figures.new)" 1/0
is "april zz 排查数" "$(fig $m zz.total.screened.township)/$(fig $m zz.total.screened.village)/$(fig $m zz.total.screened.subtotal)/$(fig $m zz.total.screened.ytd)" 2/1/3/7
is "april zz 排查数 cases" "$(fig $m zz.cases.screened.township)" "$G $H"
is "april zz 调处数" "$(fig $m zz.cases.handled.township)/$(fig $m zz.total.handled.village)/$(fig $m zz.total.handled.ytd)" "$C/0/3"
is "april zz 成功数" "$(fig $m zz.total.success.subtotal)/$(fig $m zz.total.success.ytd)" 0/2
is "april zz 调处率" "$(fig $m zz.total.handling_rate.township.text) $(fig $m zz.total.handling_rate.village.text) $(fig $m zz.total.handling_rate.subtotal.text) $(fig $m zz.total.handling_rate.ytd.text)" "50.0% 0.0% 33.3% 42.9%"
is "april zz 成功率" "$(fig $m zz.total.success_rate.township.text) $(fig $m zz.total.success_rate.village.text) $(fig $m zz.total.success_rate.subtotal.text) $(fig $m zz.total.success_rate.ytd.text)" "0.0% — 0.0% 66.7%"
is "april zz other: G" "$(fig $m zz.by_category.other.screened.township)" 1
is "april options: defaults" "$(fig $m options.success_rate)/$(fig $m options.ytd)/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["options"]["tables"])' $m)" "mediated/True/[1, 2, 3, 4, 5]"

# --- the other formats for April ---------------------------------------------
ok "april text" fq report --month 2024-04
text=$(out)
like "title" "$text" "^青山镇2024年4月矛盾纠纷排查化解情况报告$"
like "填报单位" "$text" "^填报单位（盖章）：青山镇人民调解委员会$"
like "填报人" "$text" "^填报人：李调解$"
like "审核人" "$text" "^审核人：王主任$"
like "填报日期 from FQ_TODAY" "$text" "^填报日期：2024-05-01$"
like "统计期间" "$text" "^统计期间：2024-04-01至2024-04-30$"
# 后张村 has nothing in April but B in the year: a row for its 年度累计
like "本月新增受理 row: 合计 2, 前王村 0, 后张村 0, 小李庄 1, 镇级直办 1" "$text" \
	"^本月新增受理 +2 +0 +0 +1 +1$"
like "超期率 is not in table 1 but 化解率 is" "$text" "^化解率 +0\.0% +0\.0% +— +0\.0% +0\.0%$"
like "年度累计:新增受理 row: 合计 6, 前王村 2, 后张村 1, 小李庄 1, 镇级直办 2" "$text" \
	"^年度累计:新增受理 +6 +2 +1 +1 +2$"
like "年度累计:化解率 row: 2/6, 1/2, 0/1, 0/1, 1/2" "$text" \
	"^年度累计:化解率 +33\.3% +50\.0% +0\.0% +0\.0% +50\.0%$"
like "table 5 in the text" "$text" "^五、综治排查情况表$"
like "... 总况 排查数: 乡镇街道 2, 村居 1, 小计 3, 年度累计 7" "$text" "^总况 +排查数 +2 +1 +3 +7$"
like "... the long 综治 labels are not cut" "$text" "^建筑工程质量、物业管理等问题引发的 +调处数 +0 +0 +0 +0$"
like "... 总况 调处率" "$text" "^总况 +调处率 +50\.0% +0\.0% +33\.3% +42\.9%$"
like "... 总况 成功率 (村居: no denominator)" "$text" "^总况 +成功率 +0\.0% +— +0\.0% +66\.7%$"
like "... the narrative gives the year" "$text" "年度累计（2024-01-01至2024-04-30）：年初结转0件，新增受理6件，办结4件，化解2件，调解成功2件，调解不成1件，化解率33\.3%"
like "month-on-month" "$text" "新增受理减少1件（-33\.3%）"
like "key cases: C is listed (yellow, re-opened)" "$text" "^$C +合同纠纷"
unlike "key cases: no phone numbers" "$text" "13900000002"
like "key cases: names masked" "$text" "赵某某拖欠钱某某货款"
like "对接: 诉调 收到 1" "$text" "^诉调 +1 +0 +0 +0 +0 +0 +0$"
ok "april csv" fq report --month 2024-04 --format csv
csv=$(out)
is "csv: CRLF line ends" "$(tr -cd '\r' < "$TEST_TMP/.out" | wc -c)" "$(wc -l < "$TEST_TMP/.out")"
like "csv: 合计 row of table 1, 年度累计 last" "$csv" "^合计,1,1,2,1,0,1,1,0,0,0,1,0,0,3,1,—,0\.0%,33\.3%,0\.00,0,0,0/0,0/0,0,6,4,2,2,1,33\.3%"
like "csv: table 5" "$csv" "^五、综治排查情况表"
like "csv: table 5 header" "$csv" "^类别,项目,乡镇街道,村居,小计,年度累计"
like "csv: 重大矛盾纠纷 (E, red, screened in March)" "$csv" "^重大矛盾纠纷,排查数,0,0,0,1"
like "csv: 经济活动 排查数 (H new, C carried; YTD C, H)" "$csv" "^经济活动引发的,排查数,1,0,1,2"
ok "april csv --bom" fq report --month 2024-04 --format csv --bom
is "--bom starts with the BOM" "$(head -c 3 "$TEST_TMP/.out" | od -An -tx1 | tr -d ' ')" efbbbf
ok "april md" fq report --month 2024-04 --format md
like "md: a table" "$(out)" "^\| 合计 \| 1 \| 1 \| 2 \|"

# --- a case closed after month end: re-running March gives the same ---------
FQ_TODAY=2024-04-01 fq report --month 2024-03 --format json -o march-after.json
FQ_TODAY=2024-04-01 fq report --month 2024-03 --format csv -o march-after.csv
ok "march json unchanged by April's withdrawal, merge and reopen" \
	cmp march-before.json march-after.json
ok "march csv unchanged" cmp march-before.csv march-after.csv
ok "the same data gives the same bytes (html)" sh -c \
	'fq report --month 2024-04 --format html > a.html && fq report --month 2024-04 --format html > b.html && cmp a.html b.html'

# --- zero report, --month last --------------------------------------------
exits 0 "a month with nothing new is a zero report" fq report --month 2024-07
like "零报告" "$(out)" "本月无新发矛盾纠纷（零报告）"
exits 0 "an empty repository" fq report -C "$(make_repo empty && echo empty)" --month 2024-07
like "... is a zero report too" "$(out)" "零报告"
FQ_TODAY=2024-05-03 fq report --month last --format json -o last.json
is "--month last on 2024-05-03 is April" "$(fig last.json period.from)" 2024-04-01
FQ_TODAY=2024-01-15 fq report --month last --format json -o last.json
is "--month last in January is December" "$(fig last.json period.to)" 2023-12-31
FQ_TODAY=2024-04-15 fq report --format json -o this.json
is "no --month: the current month" "$(fig this.json month)" 2024-04

# --- usage and failures -------------------------------------------------------
exits 2 "bad month" fq report --month 2024-13
exits 2 "bad month text" fq report --month March
exits 2 "bad format" fq report --format pdf
exits 2 "stray argument" fq report april
echo old > keep.txt
exits 2 "a usage error writes nothing" fq report --format pdf -o keep.txt
is "... the old file is kept" "$(cat keep.txt)" old
mkdir ro && chmod 0500 ro
if [ "$(id -u)" != 0 ]; then
	exits 1 "an unwritable directory" fq report -o ro/r.txt
fi
is "no temporary file is left behind" "$(ls | grep -c tmp)" 0

# --- -o is atomic: a failed run leaves the old file alone -------------------
echo previous > r.txt
make_repo broken
printf 'id: QSZ-2024-000001\nstatus: [unclosed\n' > broken/cases/bad.yaml
mkdir -p broken/cases/2024/03
mv broken/cases/bad.yaml broken/cases/2024/03/QSZ-2024-000001.yaml
git -C broken add -A && git -C broken -c user.name=t -c user.email=t@x commit -qm broken
exits 65 "a case file that does not parse: bad data" fq report -C broken -o r.txt
like "... named" "$(err)" "cases/2024/03/QSZ-2024-000001.yaml"
is "... r.txt untouched" "$(cat r.txt)" previous
is "... no temporary file" "$(ls | grep -c 'r.txt.tmp')" 0
ok "a good run replaces it" fq report --month 2024-04 -o r.txt
like "... with the report" "$(cat r.txt)" "^青山镇2024年4月"
is "... private" "$(stat -c %a r.txt)" 600

# --- the invariant: state changes dated out of order are caught --------------
# accepted 03-05, closed 04-10, then a re-opening dated 03-20 logged after
# it.  March by flow: new 1 + reopened 1 = 2 carried out; counted directly
# at 03-31 the case is open once: 2 != 1.
make_repo odd
mkdir -p odd/cases/2024/03
cat > odd/cases/2024/03/QSZ-2024-000001.yaml <<'YAML'
id: QSZ-2024-000001
title: 日期颠倒
status: mediating
category: neighbor
source: application
accepted_on: 2024-03-05
summary: 测试
risk_color: blue
created_at: 2024-03-05T09:00:00+08:00
updated_at: 2024-04-12T09:00:00+08:00
events:
- at: 2024-03-05T09:00:00+08:00
  kind: intake
  state_to: accepted
- at: 2024-04-10T09:00:00+08:00
  kind: state_change
  state_from: accepted
  state_to: closed
  outcome: withdrawn
- at: 2024-04-12T09:00:00+08:00
  effective_on: 2024-03-20
  kind: state_change
  state_from: closed
  state_to: mediating
YAML
git -C odd add -A && git -C odd -c user.name=t -c user.email=t@x commit -qm odd
exits 1 "invariant broken: exit 1" fq report -C odd --month 2024-03 -o odd.txt
like "... naming the case" "$(err)" "QSZ-2024-000001"
is "... and nothing written" "$(ls odd.txt 2>/dev/null)" ""
exits 1 "... and April too (closed 04-10 by flow, open by the log)" fq report -C odd --month 2024-04

# --- the invariant on a generated repository --------------------------------
# (300 cases under valgrind, where each costs some fifty times more)
GEN=${FQ_T4000_CASES:-3000}
[ -z "$FQ_VG" ] || GEN=${FQ_T4000_CASES:-300}
python3 "$FQ_SOURCE_DIR/bench/gen.py" "$GEN" gen >/dev/null
for mo in 2019-01 2020-06 2022-02 2024-12 2025-01; do
	exits 0 "generated, $mo: the invariant holds" fq report -C gen --month $mo --format json -o gen-$mo.json
	is "... carried_out = open_end" "$(fig gen-$mo.json figures.carried_out)" "$(fig gen-$mo.json figures.open_end)"
	FQ_REPORT_NOSKIP=1 fq report -C gen --month $mo --format json -o gen-$mo-all.json
	ok "... the pre-filter changes nothing" cmp gen-$mo.json gen-$mo-all.json
done
is "generated, 2022-02: cases carried in" "$(fig gen-2022-02.json figures.carried_in)" \
	"$(python3 - gen <<'PY'
# carried_in straight from the files: accepted before 2022-02-01 and not
# closed by 2022-01-31 (gen.py's cases have no reopenings)
import os, sys
n = 0
for root, _, files in os.walk(os.path.join(sys.argv[1], "cases")):
    for f in files:
        d = dict(l.split(": ", 1) for l in open(os.path.join(root, f)).read().split("\n") if l[:1].isalpha() and ": " in l)
        if d["accepted_on"] < "2022-02-01" and d.get("closed_on", "9999") > "2022-01-31" and d.get("outcome") != "duplicate":
            n += 1
print(n)
PY
)"

# --- many repositories: the county roll-up ------------------------------------
fq init repo2 --unit DSZ --name 东山镇人民调解委员会 --town 东山镇 >/dev/null
at 2024-04-08 fq new -C repo2 --title 东山邻里纠纷 --category neighbor --summary 噪音 \
	--party 周某 --accepted 2024-04-08 --village 东村 >/dev/null
at 2024-04-09 fq new -C repo2 --title 东山劳资纠纷 --category labor --summary 欠薪 \
	--party 吴某 --accepted 2024-04-09 >/dev/null
ok "two --repo" fq report --repo repo --repo repo2 --month 2024-04 --format json -o county.json
is "county: new = 2 + 2" "$(fig county.json figures.new)" 4
is "county: one row per township" "$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["by_unit"]))' county.json)" "东山镇 青山镇"
is "county: 青山镇 as its own report" "$(fig county.json by_unit.青山镇.figures.carried_out)" 3
is "county: 东山镇" "$(fig county.json by_unit.东山镇.cases.new)" "DSZ-2024-000001 DSZ-2024-000002"
mkdir county && cp -r repo repo2 county/
ok "a directory of township repositories" fq report --repo county --month 2024-04 --format json -o county2.json
is "... gives the same figures" "$(fig county2.json figures.new)/$(fig county2.json figures.carried_out)" 4/5
ok "county text" fq report --repo county --month 2024-04
like "... rows are townships" "$(out)" "^乡镇 +合计 +东山镇 +青山镇$"
exits 1 "--repo that is not a repository" fq report --repo ro

# --- XLSX: read back, cells equal to the CSV ----------------------------------
ok "xlsx" fq report --month 2024-04 --format xlsx -o april.xlsx
ok "... is a zip with one sheet per table" unzip -l april.xlsx xl/worksheets/sheet5.xml
ok "... and 情况说明" unzip -l april.xlsx xl/worksheets/sheet6.xml
fq report --month 2024-04 --format csv -o april.csv
ok "xlsx cells equal the csv's" python3 - april.xlsx april.csv <<'PY'
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
ss = [si.findtext(".//m:t", "", ns) if si.find("m:t", ns) is not None else
      "".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))
      for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
def sheet(i):
    rows = {}
    for c in ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % i)).iter("{%s}c" % ns["m"]):
        ref = re.match(r"([A-Z]+)(\d+)", c.get("r"))
        col = 0
        for ch in ref.group(1):
            col = col * 26 + ord(ch) - 64
        v = c.findtext("m:v", None, ns)
        if c.get("t") == "s":
            val = ss[int(v)]
        else:
            val = float(v)
        rows.setdefault(int(ref.group(2)) - 1, {})[col - 1] = val
    return [[r.get(j, "") for j in range(max(r) + 1)] for _, r in sorted(rows.items())]
sections, cur = [], None
for row in csv.reader(open(sys.argv[2], encoding="utf-8", newline="")):
    if len(row) == 1 and re.match("^[一二三四五六]、", row[0]):
        cur = []
        sections.append(cur)
    elif cur is not None and row:
        cur.append(row)
bad = 0
if len(sections) != 6:
    print("csv sections", len(sections)); bad += 1
for i in range(5):
    x, c = sheet(i + 1), sections[i]
    if len(x) != len(c):
        print("sheet", i + 1, "rows", len(x), "csv", len(c)); bad += 1; continue
    for r, (xr, cr) in enumerate(zip(x, c)):
        xr = xr + [""] * (len(cr) - len(xr))
        for j, (a, b) in enumerate(zip(xr, cr)):
            if isinstance(a, float):
                ok = abs(a - float(b)) < 1e-9
            else:
                ok = a == b
            if not ok:
                print("sheet", i + 1, "row", r, "col", j, repr(a), repr(b)); bad += 1
sys.exit(1 if bad else 0)
PY
ok "xlsx: numbers are numbers" sh -c 'unzip -p april.xlsx xl/worksheets/sheet1.xml | grep -q "<c r=\"B2\"[^>]*><v>1</v>"'
fq report --month 2024-04 --format xlsx -o april2.xlsx
ok "xlsx: the same bytes for the same data" cmp april.xlsx april2.xlsx

# --- settings in fq.yaml: report: {success_rate, ytd, tables, period_anchor_day}
cp -r repo set
cat >> set/fq.yaml <<'YAML'
report:
  success_rate: accepted
  ytd: false
  tables: 1,2,3,4
YAML
git -C set -c user.name=t -c user.email=t@x commit -qam "fq.yaml: report settings"
ok "success_rate: accepted, ytd: false, tables 1-4" fq report -C set --month 2024-03 --format csv -o set.csv
setcsv=$(cat set.csv)
# March 受理口径: mediated_ok 2 / (carried_in 1 + new 3) = 50.0%; 调解成功率 2/3 stays in the narrative
like "... table 1 says which rate it shows" "$setcsv" "^单位,上月结转,.*,办结率,调解成功率\(受理口径\),化解率|^单位,上月结转,.*,调解成功率\(受理口径\),化解率,办结率,"
like "... and shows 2/4" "$setcsv" "^合计,1,1,3,0,2,1,3,1,1,1,0,0,2,1,0,50\.0%,50\.0%,75\.0%,5800\.00,1,1,0/0,0/0"
like "... table 2 too" "$setcsv" "^类别,上月结转,本月新增,本月化解,本月未化解\(月末在办\),调解成功,调解不成,调解成功率\(受理口径\)"
like "... the narrative keeps both" "$setcsv" "调解成功率66\.7%（受理口径50\.0%）"
unlike "... no 年度累计 columns" "$setcsv" "年度累计:"
unlike "... no table 5" "$setcsv" "综治排查情况表"
like "... the narrative is section 五" "$setcsv" "^五、情况说明"
fq report -C set --month 2024-03 --format json -o set.json
is "... json: the setting and the tables" "$(fig set.json options.success_rate)/$(fig set.json options.main_success_rate)/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["options"]["tables"])' set.json)" "accepted/mediation_success_intake/[1, 2, 3, 4]"
is "... json still has both rates" "$(fig set.json rates.mediation_success.text)/$(fig set.json rates.mediation_success_intake.text)" "66.7%/50.0%"
fq report -C set --month 2024-03 --format xlsx -o set.xlsx
ok "... xlsx: four sheets and 情况说明" unzip -l set.xlsx xl/worksheets/sheet5.xml
unlike "... and no sixth" "$(unzip -l set.xlsx)" "sheet6.xml"
fq report -C set --month 2024-03 --format html -o set.html
unlike "... html: no table 5" "$(cat set.html)" "综治排查情况表"
like "... html: the category chart still follows table 2" "$(cat set.html)" "aria-label=\"分类统计\""

# period_anchor_day 20: "2024-03" is 2024-02-21 .. 2024-03-20
# carried_in  A (accepted 02-20, open at the end of 02-20)           = 1
# new         B 03-04, C 03-08                                       = 2
# screened    D (reported 03-15)                                     = 1
# closed      A 03-12, B 03-20 (C 03-25 and E's intake 03-28 fall
#             in the next period)                                    = 2
# carried_out 1 + 2 - 2 = 1 (C)
# YTD         2023-12-21 .. 2024-03-20: new A, B, C = 3, resolved A = 1
cp -r repo anchor
printf 'report:\n  period_anchor_day: 20\n' >> anchor/fq.yaml
git -C anchor -c user.name=t -c user.email=t@x commit -qam "fq.yaml: the 20th"
ok "period_anchor_day: 20" fq report -C anchor --month 2024-03 --format json -o anchor.json
is "... the period" "$(fig anchor.json period.from)..$(fig anchor.json period.to)" 2024-02-21..2024-03-20
is "... carried_in/new/screened/closed/carried_out" "$(fig anchor.json cases.carried_in)/$(fig anchor.json cases.new)/$(fig anchor.json cases.screened)/$(fig anchor.json cases.closed)/$(fig anchor.json cases.carried_out)" "$A/$B $C/$D/$A $B/$C"
is "... the month before" "$(fig anchor.json previous.period.from)..$(fig anchor.json previous.period.to)" 2024-01-21..2024-02-20
is "... the year" "$(fig anchor.json ytd.period.from)/$(fig anchor.json ytd.figures.new)/$(fig anchor.json ytd.figures.resolved)" 2023-12-21/3/1
ok "... text" fq report -C anchor --month 2024-03
like "... the header states the period" "$(out)" "^统计期间：2024-02-21至2024-03-20$"
FQ_TODAY=2024-04-21 fq report -C anchor --month last --format json -o anchor-last.json
is "... --month last on the 21st: the period that ended on the 20th" "$(fig anchor-last.json period.from)..$(fig anchor-last.json period.to)" 2024-03-21..2024-04-20
FQ_TODAY=2024-04-20 fq report -C anchor --month last --format json -o anchor-last.json
is "... on the 20th: the one before" "$(fig anchor-last.json month)" 2024-03
FQ_TODAY=2024-12-25 fq report -C anchor --format json -o anchor-this.json
is "... no --month on 12-25: the period to 2025-01-20" "$(fig anchor-this.json period.from)..$(fig anchor-this.json period.to)" 2024-12-21..2025-01-20

for bad in "success_rate: both" "ytd: maybe" "tables: 1,6" "tables: x" "period_anchor_day: 31"; do
	cp -r repo badset
	printf 'report:\n  %s\n' "$bad" >> badset/fq.yaml
	git -C badset -c user.name=t -c user.email=t@x commit -qam bad
	exits 65 "fq.yaml report.$bad: bad data" fq report -C badset --month 2024-03 -o badset.txt
	like "... named" "$(err)" "report\.${bad%%:*}"
	is "... nothing written" "$(ls badset.txt 2>/dev/null)" ""
	rm -rf badset
done

# --- HTML: one self-contained file, opened in headless Chromium -------------
ok "html" fq report --month 2024-04 --format html -o april.html
html=$(cat april.html)
like "html: print CSS for A4" "$html" "@page \{ size: A4"
like "html: the category chart" "$html" "<svg class=\"chart\"[^>]*aria-label=\"分类统计\""
like "html: the 12-month trend" "$html" "aria-label=\"近12个月趋势\""
unlike "html: nothing fetched from elsewhere" "$html" "(src|href)="
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	_n=$((_n + 1))
	echo "ok $_n # SKIP chromium not installed (apt-get install chromium)"
else
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --enable-logging=stderr --v=0 \
		--screenshot="$TEST_TMP/page1.png" --window-size=794,1123 \
		"file://$TEST_TMP/april.html" >/dev/null 2>chromium.log
	ok "chromium saved a PNG of page one" test -s "$TEST_TMP/page1.png"
	is "... a PNG" "$(head -c 4 "$TEST_TMP/page1.png" | od -An -c | tr -d ' ')" "211PNG"
	unlike "... no console errors" "$(cat chromium.log)" "Uncaught|ERROR:CONSOLE|CONSOLE\("
	[ -n "${FQ_KEEP_PNG:-}" ] && cp "$TEST_TMP/page1.png" "$FQ_KEEP_PNG"
fi

# --- the man page's SYNOPSIS is the usage -------------------------------------
man=$FQ_SOURCE_DIR/man/fq-report.1
if command -v mandoc >/dev/null; then
	ok "man page lints clean" sh -c "mandoc -T lint -W warning '$man' >&2 && [ -z \"\$(mandoc -T lint -W warning '$man')\" ]"
	syn=$(mandoc -T ascii -O width=1000 "$man" | col -b | sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' | tr -s ' \t' ' ' | sed 's/^ //;/^$/d')
	use=$(fq report --help | grep -E '^(usage|   or):' | sed -E 's/^(usage|   or): //' | tr -s ' \t' ' ')
	is "SYNOPSIS = usage" "$syn" "$use"
fi

done_testing
