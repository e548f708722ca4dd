#!/bin/sh
# Referrals between agencies (DOMAIN.md §3.7): court 委派 → 签收 → 反馈,
# police → us, us → court, returned for mediation, refusal (退回) and
# cancellation; numbering, deadlines, fq show and JSON.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
REPO=repo

# Top-level scalar KEY of the case's JSON ("" when absent).
jget() {
	fq show -C repo --format json "$1" |
		sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}
# KEY of referral N of case ID, from the JSON ("" when absent).
rget() {
	fq show -C repo --format json "$1" | awk -v n="$2" -v k="$3" '
		/^  "referrals": \[/ { in_r = 1; next }
		in_r && /^  \]/ { exit }
		in_r && /^    \{/ { cur = ""; next }
		in_r && $1 == "\"n\":" { cur = $2; sub(/,$/, "", cur) }
		in_r && cur == n && $1 == "\"" k "\":" {
			v = $0; sub(/^[^:]*: /, "", v); sub(/,$/, "", v)
			gsub(/"/, "", v); print v; exit
		}'
}
case_file() { find repo/cases -name "$1.yaml"; }
sum() { cksum <"$1"; }
snap() { head=$(git -C repo rev-parse HEAD) before=$(sum "$1"); }
unchanged() {	# unchanged FILE DESC: nothing written since snap
	is "$2: no commit" "$(git -C repo rev-parse HEAD)" "$head"
	is "$2: clean tree" "$(git -C repo status --porcelain)" ""
	is "$2: file unchanged" "$(sum "$1")" "$before"
}
profile() {	# profile KEY VALUE: set deadlines.KEY in fq.yaml and commit
	if grep -q '^deadlines:' repo/fq.yaml; then
		sed -i "/^deadlines:/a\\  $1: $2" repo/fq.yaml
	else
		printf 'deadlines:\n  %s: %s\n' "$1" "$2" >>repo/fq.yaml
	fi
	git -C repo -c user.name=t -c user.email=t@example.org commit -qam "deadlines.$1"
}
receive_new() {	# receive_new ARGS...: an inbound referral creating a case
	fq receive -C repo --title "${TITLE:-张某与李某民间借贷纠纷}" --category contract \
		--summary 借款两万元未还 --party 张某:申请人:13900000002 --party 李某 "$@"
}

# --- court 委派 (诉调, before 立案): 签收 creates the case ----------------
n=$(commits repo)
exits 0 "court 委派: fq receive --from --kind delegate --channel litigation" \
	receive_new --from 青山县人民法院 --kind delegate --channel litigation \
	--doc （2024）青法委调字第3号 --on 2024-03-11 --mediator 李调解
D=$(out)
like "... prints only the new ID" "$D" '^QSZ-2024-[0-9]{6}$'
is "... one commit" "$(commits repo)" $((n + 1))
like "... its message" "$(git -C repo log -1 --format=%s)" "^fq-receive: $D 张某与李某"
is "... the case is accepted" "$(jget "$D" status)" accepted
is "... from the court's delegation" "$(jget "$D" source)" court_delegated
is "... with the letter's number" "$(jget "$D" source_ref)" （2024）青法委调字第3号
is "... accepted on the day we signed" "$(jget "$D" accepted_on)" 2024-03-11
is "... referral #1" "$(rget "$D" 1 n)" 1
is "... inbound" "$(rget "$D" 1 direction)" inbound
is "... delegate" "$(rget "$D" 1 kind)" delegate
is "... litigation channel" "$(rget "$D" 1 channel)" litigation
is "... from the court" "$(rget "$D" 1 from_org)" 青山县人民法院
is "... agency court" "$(rget "$D" 1 from_agency)" court
is "... received" "$(rget "$D" 1 state)" received
is "... on 2024-03-11" "$(rget "$D" 1 received_on)" 2024-03-11
is "... R2: result due 30 days from 签收" "$(rget "$D" 1 due_result)" 2024-04-10
is "... the case's due_on is the court's (R1 would be 04-11)" "$(jget "$D" due_on)" 2024-04-10
ok "mediate" fq -C repo mediate "$D"
exits 1 "--refused is for our own referrals" fq -C repo return "$D" --referral 1 --refused
n=$(commits repo)
ok "反馈 to the court: fq return --referral 1 --result resolved" \
	fq -C repo return "$D" --referral 1 --result resolved --feedback 双方达成还款协议
is "... one commit" "$(commits repo)" $((n + 1))
is "... referral returned" "$(rget "$D" 1 state)" returned
is "... resolved" "$(rget "$D" 1 result)" resolved
is "... today" "$(rget "$D" 1 returned_on)" 2024-03-20
is "... with the feedback" "$(rget "$D" 1 feedback)" 双方达成还款协议
is "... the case keeps its own state" "$(jget "$D" status)" mediating
is "... no outcome" "$(jget "$D" outcome)" ""
is "... due_on is R1 again" "$(jget "$D" due_on)" 2024-04-11
f=$(case_file "$D")
snap "$f"
exits 1 "反馈 twice: refused" fq -C repo return "$D" --referral 1 --result resolved
like "... already answered" "$(err)" "answered already"
unchanged "$f" "反馈 twice"
exits 1 "an unknown referral" fq -C repo return "$D" --referral 7 --result resolved
like "... named" "$(err)" "no referral #7"
unchanged "$f" "unknown referral"
exits 2 "an unknown result: usage error" fq -C repo return "$D" --referral 1 --result maybe
exits 2 "--result and --refused together: usage error" \
	fq -C repo return "$D" --referral 1 --result resolved --refused
ok "show" fq -C repo show "$D"
like "... a referrals section" "$(out)" "Referrals 移交对接"
like "... #1 委派 from the court" "$(out)" "#1 委派 青山县人民法院 → 青山镇人民调解委员会 +诉调 +已反馈"
like "... 签收 dated" "$(out)" "2024-03-11 +签收"
like "... 反馈 dated with its result" "$(out)" "2024-03-20 +反馈 +已化解: 双方达成还款协议"
unlike "... no deadline once answered" "$(out)" "反馈时限"

# the parties agree to more time: the court's deadline moves too (R2)
X=$(receive_new --from 青山县人民法院 --kind delegate --channel litigation --on 2024-03-11)
ok "extend a delegated case with consent" fq -C repo extend "$X" --until 2024-05-10 --consent
is "... due_on is the new date, not the court's 04-10" "$(jget "$X" due_on)" 2024-05-10
is "... the referral is extended" "$(rget "$X" 1 extended_until)" 2024-05-10
is "... its own date kept" "$(rget "$X" 1 due_result)" 2024-04-10
ok "show" fq -C repo show "$X"
like "... the extended deadline" "$(out)" "签收 .*\\(反馈时限（延长） 2024-05-10\\)"

# only the referral's result deadline, by consent (R2/R3): fq extend --referral
X2=$(receive_new --from 青山县人民法院 --kind delegate --channel litigation --on 2024-03-11)
f=$(case_file "$X2")
snap "$f"
exits 2 "extend --referral x: usage error" fq -C repo extend "$X2" --referral x --until 2024-04-30 --consent
exits 2 "extend --referral without --consent: usage error" fq -C repo extend "$X2" --referral 1 --until 2024-04-30
exits 1 "extend --referral 2: no such referral" fq -C repo extend "$X2" --referral 2 --until 2024-04-30 --consent
like "... named" "$(err)" "no referral #2"
exits 1 "extend --referral to a date not after its deadline" \
	fq -C repo extend "$X2" --referral 1 --until 2024-04-09 --consent
like "... says so" "$(err)" "not later than the referral's deadline 2024-04-10"
unchanged "$f" "refused referral extensions"
ok "extend --referral 1 --until 04-30 --consent" \
	fq -C repo extend "$X2" --referral 1 --until 2024-04-30 --consent --reason 双方同意
is "... the referral's extended_until" "$(rget "$X2" 1 extended_until)" 2024-04-30
is "... its own date kept" "$(rget "$X2" 1 due_result)" 2024-04-10
is "... the case's own limit is not extended" "$(jget "$X2" extended_until)" ""
is "... due_on is now R1 (04-11)" "$(jget "$X2" due_on)" 2024-04-11
like "... an extension event" "$(cat "$f")" "移交#1 经双方同意延长反馈期限至 2024-04-30: 双方同意"
exits 0 "... fq due sees it" env FQ_TODAY=2024-04-25 fq due -C repo --within 10
like "... the referral due 04-30" "$(out)" "$X2-R1 +移交待反馈 +2024-04-30 +还剩5天"
X3=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$X3" >/dev/null
fq -C repo refer "$X3" --to 青山人民法庭 --kind transfer --channel litigation >/dev/null
fq -C repo receive "$X3" --referral 1 --on 2024-03-20 >/dev/null
exits 1 "a referred_out case: plain extend refused" fq -C repo extend "$X3" --until 2024-06-30 --consent
like "... names the referral form" "$(err)" "extend --referral N"
ok "... extend --referral 1 allowed" fq -C repo extend "$X3" --referral 1 --until 2024-06-30 --consent
is "... its due_on follows" "$(jget "$X3" due_on)" 2024-06-30

# a county on the 20-day rule (the profile in fq.yaml)
profile court_delegate "20 days"
D20=$(receive_new --from 青山县人民法院 --kind delegate --channel litigation --on 2024-03-11)
is "R2 with deadlines.court_delegate 20 days: 03-31 is a Sunday -> 04-01" \
	"$(rget "$D20" 1 due_result)" 2024-04-01
is "... and the case is due then" "$(jget "$D20" due_on)" 2024-04-01
# 委托 (after 立案): 15 days, 7 by the simple procedure (R3)
E=$(receive_new --from 青山县人民法院 --kind entrust --channel litigation --on 2024-03-11)
is "court 委托: source court_entrusted" "$(jget "$E" source)" court_entrusted
is "... R3 ordinary: 15 days" "$(rget "$E" 1 due_result)" 2024-03-26
E=$(receive_new --from 青山县人民法院 --kind entrust --channel litigation \
	--procedure simple --on 2024-03-11)
is "... R3 simple: 7 days" "$(rget "$E" 1 due_result)" 2024-03-18
E=$(receive_new --from 青山县人民法院 --kind entrust --channel litigation --due 2024-05-06 --on 2024-03-11)
is "... --due overrides the profile" "$(rget "$E" 1 due_result)" 2024-05-06
exits 2 "--procedure fast: usage error" receive_new --from 青山县人民法院 --kind entrust \
	--channel litigation --procedure fast
exits 2 "inbound without --from: usage error" receive_new --kind delegate --channel litigation
exits 2 "inbound with an ID: usage error" fq receive -C repo "$D" --from 青山县人民法院 \
	--kind delegate --channel litigation
exits 2 "inbound without the case's fields: usage error" fq receive -C repo \
	--from 青山县人民法院 --kind delegate --channel litigation --title 无当事人

# --- police → us (警调) ----------------------------------------------------
P=$(TITLE=刘某与陈某打架赔偿纠纷 receive_new --from 青山派出所 --kind transfer --channel 警调 \
	--doc 青公调〔2024〕12号 --on 2024-03-18)
is "police transfer: source police_transfer" "$(jget "$P" source)" police_transfer
is "... agency police_station (guessed from 派出所)" "$(rget "$P" 1 from_agency)" police_station
is "... channel police (from the label 警调)" "$(rget "$P" 1 channel)" police
is "... 5 days from 签收: 03-23 is a Saturday -> 03-25" "$(rget "$P" 1 due_result)" 2024-03-25
ok "mediate, agree and close on the spot" sh -c "fq -C repo mediate '$P' --mediator 李调解 &&
	fq -C repo agree '$P' --form oral --close"
is "... closed" "$(jget "$P" status)" closed
is "... the police are still owed feedback: due_on stays" "$(jget "$P" due_on)" 2024-03-25
ok "反馈 to the police after closing" fq -C repo return "$P" --referral 1 --result resolved
is "... returned" "$(rget "$P" 1 state)" returned
is "... the case stays closed" "$(jget "$P" status)" closed
is "... with its own outcome" "$(jget "$P" outcome)" mediated_oral
is "... 归档 due 30 days after closing (R14)" "$(jget "$P" due_on)" 2024-04-19
# petition office (访调): 60 days
V=$(receive_new --from 青山县信访局 --kind transfer --channel petition --on 2024-03-01)
is "petition transfer: source petition_transfer" "$(jget "$V" source)" petition_transfer
is "... 60 days: 04-30 (a working day before 劳动节)" "$(rget "$V" 1 due_result)" 2024-04-30

# --- us → court (诉调): refer, their 签收, their 反馈 ---------------------
C=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$C" --on 2024-03-06 >/dev/null
n=$(commits repo)
exits 0 "refer to the court" fq -C repo refer "$C" --to 青山县人民法院 --kind transfer \
	--channel litigation --doc 青调移〔2024〕2号 --on 2024-03-12
is "... prints the referral id" "$(out)" "$C-R1"
is "... one commit" "$(commits repo)" $((n + 1))
is "... the case is referred_out" "$(jget "$C" status)" referred_out
is "... referral #1 outbound" "$(rget "$C" 1 direction)" outbound
is "... sent" "$(rget "$C" 1 state)" sent
is "... on 2024-03-12" "$(rget "$C" 1 sent_on)" 2024-03-12
is "... to the court" "$(rget "$C" 1 to_agency)" court
is "... receipt due in one working day" "$(rget "$C" 1 due_receipt)" 2024-03-13
is "... R1 paused: the case is due when the court should sign" "$(jget "$C" due_on)" 2024-03-13
f=$(case_file "$C")
snap "$f"
exits 2 "签收 before it was sent: usage error" fq -C repo receive "$C" --referral 1 --on 2024-03-11
unchanged "$f" "签收 before sending"
exits 1 "签收 of a referral that does not exist" fq -C repo receive "$C" --referral 2
unchanged "$f" "签收 of referral #2"
exits 2 "--referral with --from: usage error" fq -C repo receive "$C" --referral 1 --from 法院
ok "the court signs: fq receive --referral 1" fq -C repo receive "$C" --referral 1 \
	--on 2024-03-14 --by 王法官
is "... received" "$(rget "$C" 1 state)" received
is "... on 2024-03-14" "$(rget "$C" 1 received_on)" 2024-03-14
is "... by" "$(rget "$C" 1 received_by)" 王法官
is "... the result clock runs from 签收: 04-14 is a Sunday -> 04-15" \
	"$(rget "$C" 1 due_result)" 2024-04-15
is "... the case is due then" "$(jget "$C" due_on)" 2024-04-15
is "... still referred_out" "$(jget "$C" status)" referred_out
f=$(case_file "$C")
snap "$f"
exits 1 "签收 twice: refused" fq -C repo receive "$C" --referral 1
like "... not waiting" "$(err)" "not waiting for receipt"
unchanged "$f" "签收 twice"
exits 2 "--litigation with resolved: usage error" \
	fq -C repo return "$C" --referral 1 --result resolved --litigation
ok "their 反馈: not resolved, the court registered the case" \
	fq -C repo return "$C" --referral 1 --result not_resolved --litigation \
	--feedback 已立案 --on 2024-03-19
is "... closed" "$(jget "$C" status)" closed
is "... referred_litigation" "$(jget "$C" outcome)" referred_litigation
is "... closed on the day of the feedback" "$(jget "$C" closed_on)" 2024-03-19
is "... referral returned" "$(rget "$C" 1 state)" returned
is "... nothing due" "$(jget "$C" due_on)" ""
ok "show" fq -C repo show "$C"
like "... #1 移交 to the court" "$(out)" "#1 移交 青山镇人民调解委员会 → 青山县人民法院 +诉调 +已反馈"
like "... sent, dated, with its receipt deadline" "$(out)" "2024-03-12 +发送 +\\(签收时限 2024-03-13\\)"
like "... signed for, dated, by whom" "$(out)" "2024-03-14 +签收 +王法官"
like "... answered, dated" "$(out)" "2024-03-19 +反馈 +未化解: 已立案"
# the other endings
for pair in resolved:referred_resolved not_resolved:referred_other; do
	X=$(new_case --accepted 2024-03-05 --mediator 李调解)
	fq -C repo mediate "$X" >/dev/null
	fq -C repo refer "$X" --to 青山县司法局 --kind transfer --channel administrative >/dev/null
	ok "return --result ${pair%%:*}" fq -C repo return "$X" --referral 1 --result "${pair%%:*}"
	is "... closed as ${pair#*:}" "$(jget "$X" status) $(jget "$X" outcome)" "closed ${pair#*:}"
done

# --- 上级交办 (assign) from the county centre: its own date, or 15 days ------
A=$(TITLE=县综治中心交办纠纷 receive_new --from 青山县综治中心 --kind assign --channel internal \
	--on 2024-03-11 --doc 青综交〔2024〕8号)
is "交办: inbound assign" "$(rget "$A" 1 kind)" assign
is "... source gov_assigned" "$(jget "$A" source)" gov_assigned
is "... R11: 15 days by default (03-26)" "$(rget "$A" 1 due_result)" 2024-03-26
A2=$(TITLE=限期交办纠纷 receive_new --from 青山县综治中心 --kind assign --channel internal \
	--on 2024-03-11 --due 2024-03-15)
is "... the date on the 交办单 (--due)" "$(rget "$A2" 1 due_result)" 2024-03-15
is "... is the case's due_on" "$(jget "$A2" due_on)" 2024-03-15
# outbound: --due overrides the profile; 吹哨 (summon) leaves the case where it is
O=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$O" >/dev/null
ok "refer --due" fq -C repo refer "$O" --to 青山县司法局 --kind transfer --channel administrative \
	--due 2024-04-01
is "... due_result as given" "$(rget "$O" 1 due_result)" 2024-04-01
S=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$S" >/dev/null
ok "summon the departments (吹哨)" fq -C repo refer "$S" --to 青山镇自然资源所 --kind summon \
	--channel administrative
is "... still mediating" "$(jget "$S" status)" mediating
is "... no result deadline" "$(rget "$S" 1 due_result)" ""

# --- us → court after failure (T9 with a transfer: informational) ----------
F=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$F" --on 2024-03-06 >/dev/null
exits 2 "fail --channel without --to: usage error" fq -C repo fail "$F" --advised litigation \
	--channel litigation
exits 2 "fail --to with an unknown channel: usage error" fq -C repo fail "$F" --advised litigation \
	--to 青山县人民法院 --channel courtly
n=$(commits repo)
ok "fail, and hand it to the court: fq fail --to" fq -C repo fail "$F" --advised 诉讼 \
	--to 青山县人民法院 --doc 青调移〔2024〕5号 --on 2024-03-18
is "... one commit" "$(commits repo)" $((n + 1))
is "... closed" "$(jget "$F" status)" closed
is "... failed (a failure in the success rate, not a referral outcome)" "$(jget "$F" outcome)" failed
is "... referral #1 outbound" "$(rget "$F" 1 direction)" outbound
is "... a transfer" "$(rget "$F" 1 kind)" transfer
is "... 诉调, from the route advised" "$(rget "$F" 1 channel)" litigation
is "... to the court" "$(rget "$F" 1 to_agency)" court
is "... with the letter" "$(rget "$F" 1 doc_no)" 青调移〔2024〕5号
is "... sent on the day" "$(rget "$F" 1 sent_on)" 2024-03-18
is "... informational: no receipt deadline" "$(rget "$F" 1 due_receipt)" ""
is "... nor a result deadline" "$(rget "$F" 1 due_result)" ""
is "... nothing due (the transfer has no deadline; closed on 03-18, before it was entered: no R14)" \
	"$(jget "$F" due_on)" ""
exits 0 "... fq due" env FQ_TODAY=2024-05-30 fq due -C repo --within 0 --format tsv
unlike "... no referral row for it" "$(out)" "$F	[a-z]*	(receipt|result)"
ok "show" fq -C repo show "$F"
like "... the transfer in its referrals" "$(out)" "#1 移交 青山镇人民调解委员会 → 青山县人民法院 +诉调"
F2=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$F2" >/dev/null
ok "to arbitration: the channel follows the first route" fq -C repo fail "$F2" \
	--advised arbitration,litigation --to 县劳动人事争议仲裁院
is "... 仲调" "$(rget "$F2" 1 channel)" arbitration
is "... agency arbitration" "$(rget "$F2" 1 to_agency)" arbitration

# --- returned for mediation (T12), out of scope ------------------------------
for result in returned_for_mediation out_of_scope; do
	X=$(new_case --accepted 2024-03-05 --mediator 李调解)
	fq -C repo mediate "$X" >/dev/null
	fq -C repo refer "$X" --to 青山人民法庭 --kind transfer --channel litigation >/dev/null
	ok "return --result $result" fq -C repo return "$X" --referral 1 --result "$result"
	is "... back to mediating" "$(jget "$X" status)" mediating
	is "... no outcome" "$(jget "$X" outcome)" ""
	is "... R1 runs again" "$(jget "$X" due_on)" 2024-04-07
done
# T12: R1 was paused while the case was away and resumes with what was left
X=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$X" --on 2024-03-06 >/dev/null
fq -C repo refer "$X" --to 青山人民法庭 --kind transfer --channel litigation --on 2024-03-12 >/dev/null
ok "returned for mediation after 7 days away" fq -C repo return "$X" --referral 1 \
	--result returned_for_mediation --on 2024-03-19
is "... R1 resumes: 04-05 + 7 days away = 04-12" "$(jget "$X" due_on)" 2024-04-12
# a screened case referred before acceptance, sent back to us
R=$(fq new -C repo --reported --source screening --reported-on 2024-03-18 \
	--title 排查发现的土地纠纷 --category land_forest --summary 地界 --party 赵某)
ok "refer a reported case (T10)" fq -C repo refer "$R" --to 青山县人民调解中心 --kind escalate --channel internal
is "... referred_out" "$(jget "$R" status)" referred_out
f=$(case_file "$R")
snap "$f"
exits 1 "sent back for mediation, but the case has no mediator: refused" \
	fq -C repo return "$R" --referral 1 --result 退回调解 --on 2024-03-19
like "... asks for one" "$(err)" "$R has no mediator: .*give --mediator NAME"
unchanged "$f" "returned for mediation without a mediator"
exits 1 "... out_of_scope too" fq -C repo return "$R" --referral 1 --result out_of_scope
unchanged "$f" "out of scope without a mediator"
ok "sent back for mediation, with --mediator" fq -C repo return "$R" --referral 1 \
	--result 退回调解 --on 2024-03-19 --mediator 张调解
is "... mediating" "$(jget "$R" status)" mediating
like "... with the mediator" "$(fq show -C repo --format json "$R" | tr -d ' \n')" '"mediators":\["张调解"\]' 
is "... accepted on that day" "$(jget "$R" accepted_on)" 2024-03-19

# --- refusal (退回) and cancellation -------------------------------------
X=$(new_case --accepted 2024-03-05)
fq -C repo refer "$X" --to 青山县人民法院 --kind transfer --channel litigation --on 2024-03-12 >/dev/null
ok "the court will not take it: fq return --refused" \
	fq -C repo return "$X" --referral 1 --refused --feedback 不属于受理范围
is "... referral refused" "$(rget "$X" 1 state)" refused
is "... dated" "$(rget "$X" 1 returned_on)" 2024-03-20
is "... the case goes back to where it was (accepted)" "$(jget "$X" status)" accepted
is "... no outcome" "$(jget "$X" outcome)" ""
ok "show" fq -C repo show "$X"
like "... 退回 dated with the reason" "$(out)" "2024-03-20 +退回 +不属于受理范围"
like "... state 已退回" "$(out)" "#1 移交 .* +已退回"
ok "refer again: referral #2" fq -C repo refer "$X" --to 青山人民法庭 --kind transfer --channel litigation
is "... numbered 2" "$(out)" "$X-R2"
is "... #1 untouched" "$(rget "$X" 1 state)" refused
f=$(case_file "$X")
snap "$f"
exits 2 "--cancel without --referral: usage error" fq -C repo refer "$X" --cancel
exits 1 "cancel the refused #1: refused" fq -C repo refer "$X" --referral 1 --cancel
like "... only a waiting referral" "$(err)" "only a referral still waiting can be cancelled"
unchanged "$f" "cancel a refused referral"
n=$(commits repo)
ok "cancel #2: fq refer --referral 2 --cancel" fq -C repo refer "$X" --referral 2 --cancel \
	--note 当事人已自行和解
is "... one commit" "$(commits repo)" $((n + 1))
is "... cancelled" "$(rget "$X" 2 state)" cancelled
is "... dated" "$(rget "$X" 2 cancelled_on)" 2024-03-20
is "... back to accepted" "$(jget "$X" status)" accepted
like "... the reason is in the log" "$(cat "$f")" "撤销移交 #2: 当事人已自行和解"
ok "show" fq -C repo show "$X"
like "... 撤销 dated" "$(out)" "2024-03-20 +撤销"
snap "$f"
exits 1 "cancel twice: refused" fq -C repo refer "$X" --referral 2 --cancel
unchanged "$f" "cancel twice"
M=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$M" >/dev/null
fq -C repo refer "$M" --to 青山县人民法院 --kind transfer --channel litigation >/dev/null
ok "cancel a referral of a mediating case" fq -C repo refer "$M" --referral 1 --cancel
is "... back to mediating" "$(jget "$M" status)" mediating
exits 1 "cancel an inbound referral: refused" fq -C repo refer "$D" --referral 1 --cancel

# --- invitations leave the case where it is ------------------------------
I=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$I" >/dev/null
ok "invite the police station (邀请协助)" fq -C repo refer "$I" --to 青山派出所 \
	--kind invite --channel police --on 2024-03-19
is "... #1" "$(out)" "$I-R1"
is "... the case stays mediating" "$(jget "$I" status)" mediating
is "... no result deadline" "$(rget "$I" 1 due_result)" ""
is "... receipt due next working day" "$(rget "$I" 1 due_receipt)" 2024-03-20
ok "transfer it to the court (#2)" fq -C repo refer "$I" --to 青山县人民法院 \
	--kind transfer --channel litigation
is "... #2" "$(out)" "$I-R2"
is "... referred_out" "$(jget "$I" status)" referred_out
ok "the police answer the invitation" fq -C repo return "$I" --referral 1 --result resolved
is "... the case is still referred_out" "$(jget "$I" status)" referred_out
is "... #1 returned" "$(rget "$I" 1 state)" returned
is "... #2 still sent" "$(rget "$I" 2 state)" sent
ok "show" fq -C repo show "$I"
like "... both referrals, in order" "$(out | grep -E '^  #[0-9]' | tr '\n' '|')" \
	"^  #1 邀请协助 .*\\|  #2 移交 .*\\|$"
ok "--format json" fq -C repo show --format json "$I"
like "... has a referrals array" "$(out)" '"referrals": \['
is "... with n 1 and 2" "$(out | grep -c '"n": [12],')" 2
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""

done_testing
