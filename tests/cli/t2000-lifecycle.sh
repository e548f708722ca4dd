#!/bin/sh
# The case lifecycle: every state x every step (DOMAIN.md §3.6), then the
# guards of the steps that have them.
#
# The expected matrix below is copied from DOMAIN.md §3.6, not from the
# library's table (lib/lifecycle.c), so a wrong row there fails here.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
REPO=repo

# --- the matrix (DOMAIN.md §3.6) -----------------------------------------
# step      from which states it is allowed                       leads to
#                                                                 (= : same
#                                                                 state)
MATRIX='
accept   reported                                                 accepted
reject   reported,accepted                                        closed:rejected
refuse   accepted,mediating                                       closed:refused
mediate  accepted                                                 mediating
withdraw accepted,mediating                                       closed:withdrawn
agree    mediating                                                agreed
fail     mediating                                                closed:failed
close    agreed                                                   closed:mediated_written
reopen   agreed,closed                                            mediating
archive  closed                                                   archived
merge    reported,accepted,mediating,agreed,referred_out,closed,archived closed:duplicate
risk     reported,accepted,mediating,agreed,referred_out          =
extend   accepted,mediating,agreed                                =
visit    agreed,closed,archived                                   =
confirm  agreed,closed                                            =
refer    reported,accepted,mediating                              referred_out
receive  referred_out                                             =
return   referred_out                                             closed:referred_resolved
'
STATES='reported accepted mediating agreed referred_out closed archived'

# A list entry with an option ("refer --kind invite|summon": an invitation
# leaves the case where it is) is a form DOMAIN.md's table leaves out;
# only the bare verbs are compared.
# receive and return act on a referral: outside referred_out the cases
# built here have none, so a refusal may name the missing referral
# rather than the state.  Every other refusal must name the state.
REFERRAL_STEPS='receive return'

TARGET=$(TITLE=保留的案件 new_case --accepted 2024-03-01 --mediator 张调解)

# The valid arguments of each step.
step_args() {
	case $1 in
	accept) ;;
	reject) echo "--reason 不属实" ;;
	refuse) echo "--party 王某乙" ;;
	mediate) echo "--mediator 张调解" ;;
	withdraw) ;;
	agree) echo "--form written --number （2024）青人调协字第9号 --perform by:2024-04-30" ;;
	fail) echo "--advised litigation" ;;
	close) echo "--performed 2024-03-19" ;;
	reopen) echo "--reason 履行争议" ;;
	archive) echo "--docket （2024）青人调字第3号 --doc application,notice,id_proof,record,agreement" ;;
	merge) echo "--into $TARGET" ;;
	risk) echo "--color red --plan 一案一策：两委牵头 --lead 张副镇长" ;;
	extend) echo "--until 2024-12-31 --consent" ;;
	visit) echo "--method phone --satisfaction satisfied" ;;
	confirm) echo "--applied 2024-03-20 --court 青山人民法庭" ;;
	refer) echo "--to 青山人民法庭 --kind transfer --channel litigation" ;;
	receive) echo "--referral 1" ;;
	return) echo "--referral 1 --result resolved" ;;
	esac
}

# Build a case in state $1 through the real commands; print its ID.
build() {
	case $1 in
	reported)
		fq new -C repo --reported --source screening --reported-on 2024-03-18 \
			--title 排查发现的宅基地纠纷 --category housing_homestead \
			--summary 网格员排查发现 --party 王某甲 --party 王某乙
		return ;;
	accepted)
		new_case --accepted 2024-03-05
		return ;;
	esac
	_id=$(new_case --accepted 2024-03-05) || return 1
	fq -C repo mediate "$_id" --mediator 李调解 --on 2024-03-06 >/dev/null || return 1
	case $1 in
	agreed)
		fq -C repo agree "$_id" --form written --number （2024）青人调协字第7号 \
			--effective 2024-03-10 --perform by:2024-04-30 >/dev/null &&
		fq -C repo visit "$_id" --method visit --satisfaction satisfied \
			--on 2024-03-15 >/dev/null ;;
	referred_out)
		fq -C repo refer "$_id" --to 青山人民法庭 --kind transfer \
			--channel litigation --on 2024-03-12 >/dev/null ;;
	closed|archived)
		fq -C repo agree "$_id" --form written --number （2024）青人调协字第7号 \
			--effective 2024-03-10 --close >/dev/null || return 1
		[ "$1" = closed ] ||
			fq -C repo archive "$_id" --on 2024-03-15 --docket （2024）青人调字第2号 \
				--doc application,notice,id_proof,record,agreement >/dev/null ;;
	esac || return 1
	echo "$_id"
}

# Top-level scalar KEY of the case's JSON ("" when absent).
jget() {
	fq show -C repo --format json "$1" |
		sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}
case_file() { find repo/cases -name "$1.yaml"; }
sum() { cksum <"$1"; }

# Steps the matrix allows from state $1, sorted, one per line; $2 non-empty:
# leave out the referral steps.
allowed_from() {
	printf '%s\n' "$MATRIX" | while read -r step from to; do
		[ -n "$step" ] || continue
		[ -n "$2" ] && case " $REFERRAL_STEPS " in *" $step "*) continue ;; esac
		case ",$from," in *",$1,"*) echo "$step" ;; esac
	done | sort
}

# Under valgrind the matrix repeats the same command lines (a case built
# to a state, its status read) 126 times: each runs under valgrind once.
FQ_VG_ONCE=$FQ_VG
export FQ_VG_ONCE
for state in $STATES; do
	printf '%s\n' "$MATRIX" | while read -r step from to; do
		[ -n "$step" ] || continue
		id=$(build "$state")
		if [ -z "$id" ] || [ "$(jget "$id" status)" != "$state" ]; then
			is "$state: built a case in state $state" "$(jget "$id" status)" "$state"
			continue
		fi
		f=$(case_file "$id")
		n=$(commits repo)
		head=$(git -C repo rev-parse HEAD)
		before=$(sum "$f")
		o_before=$(jget "$id" outcome)
		c_before=$(jget "$id" closed_on)
		# shellcheck disable=SC2046
		case ",$from," in
		*",$state,"*)
			exits 0 "$state × $step: allowed" fq -C repo "$step" $(step_args "$step") "$id"
			is "$state × $step: one new commit" "$(commits repo)" $((n + 1))
			is "$state × $step: clean tree" "$(git -C repo status --porcelain)" ""
			case $to in
			=)	want_s=$state want_o=$o_before want_c=$c_before ;;
			closed:*)
				want_s=closed want_o=${to#closed:} want_c=$FQ_TODAY ;;
			archived)
				want_s=archived want_o=$o_before want_c=$c_before ;;
			*)	want_s=$to want_o= want_c= ;;
			esac
			is "$state × $step: status" "$(jget "$id" status)" "$want_s"
			is "$state × $step: outcome" "$(jget "$id" outcome)" "$want_o"
			is "$state × $step: closed_on" "$(jget "$id" closed_on)" "$want_c"
			if [ "$to" != = ]; then
				like "$state × $step: a state_change event to $want_s" \
					"$(cat "$f")" "state_from: $state\$"
			fi
			;;
		*)
			exits 1 "$state × $step: refused" fq -C repo "$step" $(step_args "$step") "$id"
			msg=$(err)
			case " $REFERRAL_STEPS " in
			*" $step "*)
				like "$state × $step: says why" "$msg" \
					"(cannot $step a case that is $state|no (outbound )?referral #1)" ;;
			*)
				like "$state × $step: names the state" "$msg" \
					"cannot $step a case that is $state; allowed from $state: "
				got=$(printf '%s\n' "$msg" | sed -n "s/.*allowed from $state: //p" |
					tr -d ' ' | tr ',' '\n' |
					grep -Ev "^($(echo $REFERRAL_STEPS | tr ' ' '|'))\$|--" | sort)
				is "$state × $step: lists the steps DOMAIN.md allows" \
					"$(echo $got)" "$(echo $(allowed_from "$state" x))" ;;
			esac
			is "$state × $step: no commit" "$(git -C repo rev-parse HEAD)" "$head"
			is "$state × $step: clean tree" "$(git -C repo status --porcelain)" ""
			is "$state × $step: file unchanged" "$(sum "$f")" "$before"
			;;
		esac
	done >"$TEST_TMP/matrix.$state"
	cat "$TEST_TMP/matrix.$state"
	# The loop ran in a subshell: carry its counts over.
	_n=$((_n + $(grep -c '^\(not \)\{0,1\}ok ' "$TEST_TMP/matrix.$state")))
	_failed=$((_failed + $(grep -c '^not ok ' "$TEST_TMP/matrix.$state")))
done
unset FQ_VG_ONCE

# --- guards -----------------------------------------------------------------
# unchanged FILE HEAD DESC: nothing was written since HEAD was taken.
unchanged() {
	is "$3: no commit" "$(git -C repo rev-parse HEAD)" "$2"
	is "$3: clean tree" "$(git -C repo status --porcelain)" ""
	is "$3: file unchanged" "$(sum "$1")" "$4"
}
snap() { head=$(git -C repo rev-parse HEAD) before=$(sum "$1"); }

# T6 the other way: the first session note of a case with a mediator.
id=$(new_case --accepted 2024-03-05 --mediator 张调解) f=$(case_file "$id")
ok "the first session note moves an accepted case to mediating" \
	fq -C repo note "$id" --kind session 第一次调解会
is "... mediating" "$(jget "$id" status)" mediating
like "... recorded as a step" "$(grep -A3 'kind: session' "$f")" "state_to: mediating"
id=$(new_case --accepted 2024-03-05) f=$(case_file "$id")
ok "without a mediator the note is kept" fq -C repo note "$id" --kind session 碰头会
like "... with a warning" "$(err)" "stays accepted: it has no mediator"
is "... still accepted" "$(jget "$id" status)" accepted
exits 1 "mediate without any mediator: refused" fq -C repo mediate "$id"
like "... asks for one" "$(err)" "has no mediator: give --mediator NAME"

# T8: a written agreement needs its number; an oral one does not.
id=$(build mediating) f=$(case_file "$id")
snap "$f"
exits 2 "agree --form written without --number: usage error" \
	fq -C repo agree "$id" --form written
like "... asks for the number" "$(err)" "needs its number \\(--number"
unchanged "$f" "$head" "agree without --number" "$before"
exits 0 "agree --form oral needs no number" fq -C repo agree "$id" --form oral \
	--effective 2024-03-18 --perform by:2024-04-30 --amount 800
is "... agreed" "$(jget "$id" status)" agreed
like "... form oral, effective 2024-03-18" "$(cat "$f")" "form: oral"
like "... effective_on kept" "$(cat "$f")" "effective_on: 2024-03-18"
is "... no outcome before closing" "$(jget "$id" outcome)" ""
# R6: the first visit is due 15 days after the later of effective_on and
# performance_due (2024-04-30 + 15 = 05-15, a working Wednesday).
is "... due_on is the visit (R6)" "$(jget "$id" due_on)" 2024-05-15

# T13: closing an agreed case needs the performance and a visit.
snap "$f"
exits 1 "close before performance: refused" fq -C repo close "$id"
like "... says what is missing" "$(err)" "not performed yet"
unchanged "$f" "$head" "close before performance" "$before"
exits 1 "close --performed without a visit: refused" \
	fq -C repo close "$id" --performed 2024-03-19
like "... asks for the visit" "$(err)" "no follow-up visit on record"
unchanged "$f" "$head" "close without a visit" "$before"
exits 2 "close --partial without --note: usage error" fq -C repo close "$id" --partial
ok "visit" fq -C repo visit "$id" --method on_site --satisfaction basically \
	--on 2024-03-19 --note 已履行大部分
is "... no visit due any more: due_on gone" "$(jget "$id" due_on)" ""
ok "close --partial --note after the visit" fq -C repo close "$id" --partial \
	--note 尚欠200元，约定4月底付清
is "... closed" "$(jget "$id" status)" closed
is "... as mediated_oral" "$(jget "$id" outcome)" mediated_oral
is "... today" "$(jget "$id" closed_on)" 2024-03-20
like "... performance partial" "$(cat "$f")" "performance_status: partial"

# T8a: performed on the spot: agree --close, no visit needed.
id=$(build mediating)
ok "agree --close (immediate)" fq -C repo agree "$id" --form written \
	--number （2024）青人调协字第11号 --close
is "... closed" "$(jget "$id" status)" closed
is "... mediated_written" "$(jget "$id" outcome)" mediated_written
exits 2 "agree --close with a later performance date: usage error" \
	fq -C repo agree "$(build mediating)" --form oral --perform by:2024-04-01 --close
# An immediate agreement not closed at once closes without a visit.
id=$(build mediating)
fq -C repo agree "$id" --form oral --perform immediate >/dev/null 2>&1
ok "close an immediately performed agreement without a visit" fq -C repo close "$id"
is "... mediated_oral" "$(jget "$id" outcome)" mediated_oral

# T9: fail needs the routes the parties were told of.
id=$(build mediating) f=$(case_file "$id")
snap "$f"
exits 2 "fail without --advised: usage error" fq -C repo fail "$id"
like "... names --advised" "$(err)" "--advised is required"
unchanged "$f" "$head" "fail without --advised" "$before"
exits 2 "fail --advised with an unknown route" fq -C repo fail "$id" --advised 上天
unchanged "$f" "$head" "fail with a bad route" "$before"
ok "fail --advised 诉讼，仲裁 (labels, Chinese comma)" fq -C repo fail "$id" \
	--advised 诉讼，仲裁
is "... closed as failed" "$(jget "$id" outcome)" failed
like "... routes kept" "$(cat "$f")" "failure_routes_advised:"
like "... litigation" "$(sed -n '/^failure_routes_advised:/,/^[a-z]/p' "$f")" "- litigation"
like "... arbitration" "$(sed -n '/^failure_routes_advised:/,/^[a-z]/p' "$f")" "- arbitration"

# T17: red and yellow need a lead official; the plan may follow (R7).
id=$(build mediating) f=$(case_file "$id")
snap "$f"
exits 1 "risk red without --lead: refused" fq -C repo risk "$id" --color red --plan 一案一策
like "... asks for the lead" "$(err)" "give --lead NAME"
unchanged "$f" "$head" "red without a lead" "$before"
exits 1 "risk yellow without --lead: refused" fq -C repo risk "$id" --color yellow
unchanged "$f" "$head" "yellow without a lead" "$before"
exits 2 "risk --color purple: usage error" fq -C repo risk "$id" --color purple
ok "risk yellow --lead without a plan: done, with a warning" \
	fq -C repo risk "$id" --color yellow --lead 张副镇长
like "... warns that the plan is owed" "$(err)" "no plan yet"
is "... yellow" "$(jget "$id" risk_color)" yellow
is "... plan due in 7 days (R7b)" "$(jget "$id" due_on)" 2024-03-27
ok "risk red --plan" fq -C repo risk "$id" --color 红 --plan 一案一策：县里包案
is "... red" "$(jget "$id" risk_color)" red
is "... lead kept" "$(jget "$id" lead_official)" 张副镇长
like "... colour history: a risk_change event 黄 → 红" "$(cat "$f")" "黄.* → 红"
is "... two risk_change events" "$(grep -c 'kind: risk_change' "$f")" 2
ok "back to blue" fq -C repo risk "$id" --color blue
is "... blue" "$(jget "$id" risk_color)" blue

# T18: an extension needs consent, and moves due_on.
id=$(build mediating) f=$(case_file "$id")
is "R1: accepted 2024-03-05 + 1 month = 04-05 (清明) -> Sunday 04-07, a 调休 working day" \
	"$(jget "$id" due_on)" 2024-04-07
snap "$f"
exits 2 "extend without --consent: usage error" fq -C repo extend "$id" --until 2024-05-07
like "... names --consent" "$(err)" "--consent is required"
unchanged "$f" "$head" "extend without consent" "$before"
exits 1 "extend to a date before the current deadline: refused" \
	fq -C repo extend "$id" --until 2024-04-01 --consent
unchanged "$f" "$head" "extend backwards" "$before"
ok "extend --until 2024-05-07 --consent" fq -C repo extend "$id" --until 2024-05-07 --consent
is "... due_on recomputed" "$(jget "$id" due_on)" 2024-05-07
is "... extended_until" "$(jget "$id" extended_until)" 2024-05-07
like "... an extension event" "$(cat "$f")" "kind: extension"

# T16: archiving needs the 卷宗 checklist.
id=$(build closed) f=$(case_file "$id")
snap "$f"
exits 1 "archive with no documents: refused" fq -C repo archive "$id"
like "... lists what is missing" "$(err)" "lacks application, notice, id_proof, record, agreement"
unchanged "$f" "$head" "archive without documents" "$before"
exits 1 "archive a written agreement without the agreement: refused" \
	fq -C repo archive "$id" --doc application,notice,id_proof,record
like "... names it" "$(err)" "lacks agreement;"
unchanged "$f" "$head" "archive without the agreement" "$before"
exits 2 "archive --doc with an unknown document: usage error" \
	fq -C repo archive "$id" --doc application,photo
unchanged "$f" "$head" "archive with an unknown document" "$before"
ok "archive with the whole checklist" fq -C repo archive "$id" \
	--doc application，notice --doc id_proof,record,agreement --docket （2024）青人调字第5号 --retention long
is "... archived" "$(jget "$id" status)" archived
is "... outcome kept" "$(jget "$id" outcome)" mediated_written
is "... closed_on kept" "$(jget "$id" closed_on)" 2024-03-10
is "... archived_on" "$(jget "$id" archived_on)" 2024-03-20
is "... docket" "$(jget "$id" docket_no)" （2024）青人调字第5号
is "... retention" "$(jget "$id" retention)" long
# A withdrawn case has no agreement to file.
id=$(build accepted)
fq -C repo withdraw "$id" >/dev/null 2>&1
ok "archive a withdrawn case without an agreement document" \
	fq -C repo archive "$id" --doc application,notice,id_proof,record --docket （2024）青人调字第6号

# T16: the docket number (卷号) is required unless the case has one.
id=$(build closed) f=$(case_file "$id")
snap "$f"
exits 1 "archive without --docket: refused" fq -C repo archive "$id" \
	--doc application,notice,id_proof,record,agreement
like "... says so" "$(err)" "no docket number \\(卷号\\); give --docket"
unchanged "$f" "$head" "archive without a docket number" "$before"
sed -i 's/^status: closed$/&\ndocket_no: （2023）青人调字第8号/' "$f"
git -C repo -c user.name=t -c user.email=t@example.org commit -qam "docket_no"
ok "... a case that has one keeps it" fq -C repo archive "$id" \
	--doc application,notice,id_proof,record,agreement
is "... archived" "$(jget "$id" status)" archived
is "... its docket number kept" "$(jget "$id" docket_no)" （2023）青人调字第8号

# T7a: the parties settled between themselves (当事人自行和解).
id=$(build mediating) f=$(case_file "$id")
ok "withdraw --settled" fq -C repo withdraw --settled --reason 双方已私下和解 "$id"
is "... closed" "$(jget "$id" status)" closed
is "... outcome settled_self" "$(jget "$id" outcome)" settled_self
like "... the event says so" "$(cat "$f")" "note: '当事人自行和解: 双方已私下和解'|note: 当事人自行和解: 双方已私下和解"
id=$(build accepted)
ok "withdraw --settled from accepted" fq -C repo withdraw --settled "$id"
is "... settled_self" "$(jget "$id" outcome)" settled_self
id=$(build agreed) f=$(case_file "$id")
snap "$f"
exits 1 "withdraw --settled from agreed: refused" fq -C repo withdraw --settled "$id"
like "... names the state" "$(err)" "cannot withdraw a case that is agreed"
unchanged "$f" "$head" "withdraw --settled from agreed" "$before"
exits 2 "fq reject --settled: no such option" fq -C repo reject --settled --reason x "$id"

# T15: reopening a closed case: within the window, audited; the outcome
# leaves the case but stays in its log.
id=$(build closed) f=$(case_file "$id")
snap "$f"
exits 2 "reopen without --reason: usage error" fq -C repo reopen "$id"
unchanged "$f" "$head" "reopen without a reason" "$before"
# 2024-03-10 + 90 days = 06-08, a Saturday; 06-09 Sunday and 06-10 端午
# are rest days: the window ends on Tuesday 06-11.
exits 1 "reopen after the 90-day window: refused" \
	env FQ_TODAY=2024-06-12 fq -C repo reopen "$id" --reason 履行争议
like "... says until when (rest days and 端午 moved on)" "$(err)" \
	"closed on 2024-03-10; it can be reopened until 2024-06-11 only"
unchanged "$f" "$head" "reopen too late" "$before"
ok "reopen on the last day of the window" \
	env FQ_TODAY=2024-06-11 fq -C repo reopen "$id" --reason 履行争议
is "... mediating" "$(jget "$id" status)" mediating
is "... outcome gone from the case" "$(jget "$id" outcome)" ""
is "... closed_on gone" "$(jget "$id" closed_on)" ""
like "... the closing event keeps its outcome" "$(cat "$f")" "outcome: mediated_written"
like "... the reopening is audited with its reason" \
	"$(sed -n '/state_from: closed/,/note:/p' "$f")" "note: 履行争议"
like "... by the clerk" "$(grep -B3 'state_from: closed' "$f")" "actor: 李调解"
# the window comes from fq.yaml
id=$(build closed) f=$(case_file "$id")
printf 'deadlines:\n  reopen_window: 30 days\n' >>repo/fq.yaml
git -C repo -c user.name=t -c user.email=t@example.org commit -qam "reopen window 30 days"
exits 1 "with deadlines.reopen_window 30 days, day 31 is too late" \
	env FQ_TODAY=2024-04-11 fq -C repo reopen "$id" --reason 履行争议
like "... until 2024-04-09" "$(err)" "until 2024-04-09 only"
git -C repo -c user.name=t -c user.email=t@example.org revert --no-edit HEAD >/dev/null
id=$(build agreed) f=$(case_file "$id")
ok "T14: an agreed case reopens (重新调解) without a window" \
	fq -C repo reopen "$id" --reason 协议显失公平
is "... mediating" "$(jget "$id" status)" mediating
unlike "... the agreement no longer stands" "$(cat "$f")" "^agreement:"
like "... but is kept as superseded" "$(sed -n '/^superseded_agreements:/,/^[a-z]/p' "$f")" \
	"number: （2024）青人调协字第7号"
like "... dated" "$(sed -n '/^superseded_agreements:/,/^[a-z]/p' "$f")" "superseded_on: 2024-03-20"
ok "... fq check accepts the file" fq -C repo check
ok "a new agreement" fq -C repo agree "$id" --form written --number （2024）青人调协字第12号 \
	--perform immediate
like "... stands" "$(sed -n '/^agreement:/,/^[a-z]/p' "$f")" "第12号"
is "... the old one still kept" "$(grep -c '第7号' "$f")" 2

# T21: merge moves events and parties and marks the duplicate.
A=$(TITLE=保留的宅基地纠纷 new_case --accepted 2024-03-05 --mediator 张调解)
B=$(fq new -C repo --title 重复登记的宅基地纠纷 --category housing_homestead \
	--summary 同一纠纷 --party 王某甲 --party 王某丙:第三人 --accepted 2024-03-06)
fq -C repo note "$B" --kind contact 电话联系王某丙 >/dev/null
FA=$(case_file "$A") FB=$(case_file "$B")
exits 2 "merge into itself: usage error" fq -C repo merge "$B" --into "$B"
exits 2 "merge without --into: usage error" fq -C repo merge "$B"
exits 1 "merge into a case that does not exist" fq -C repo merge "$B" --into QSZ-2024-000999
n=$(commits repo)
ok "merge B into A" fq -C repo merge "$B" --into "$A"
is "... one commit" "$(commits repo)" $((n + 1))
is "... touching both files" "$(git -C repo show --format= --name-only HEAD | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "${FA#repo/}" "${FB#repo/}" | sort | tr '\n' ' ')"
is "... B closed" "$(jget "$B" status)" closed
is "... as duplicate" "$(jget "$B" outcome)" duplicate
is "... pointing at A" "$(jget "$B" merged_into)" "$A"
like "... A has B's extra party" "$(cat "$FA")" "name: 王某丙"
is "... and 王某甲 once" "$(grep -c 'name: 王某甲' "$FA")" 1
like "... A has B's event, marked with B's ID" "$(cat "$FA")" "note: '?\\[$B\\] 电话联系王某丙"
like "... of its kind" "$(grep -B3 "电话联系王某丙" "$FA")" "kind: contact"
like "... and a correction event naming B" "$(cat "$FA")" "合并重复登记的 $B"
is "... A keeps its state" "$(jget "$A" status)" accepted
exits 1 "merging B again: refused" fq -C repo merge "$B" --into "$A"
like "... already merged" "$(err)" "already merged into $A"
C=$(new_case --accepted 2024-03-07)
exits 1 "merging into a duplicate: refused" fq -C repo merge "$C" --into "$B"
like "... says where to" "$(err)" "merge into that one"
snap "$FB"
exits 1 "reopening a duplicate: refused" fq -C repo reopen "$B" --reason 误合并
like "... points at the surviving case" "$(err)" "merged into $A as a duplicate: reopen that case instead"
unchanged "$FB" "$head" "reopen a duplicate" "$before"

# T21: nothing is merged into an archived case (read-only).
AR=$(build archived) FAR=$(case_file "$AR")
D=$(new_case --accepted 2024-03-08) FD=$(case_file "$D")
snap "$FD"
sar=$(sum "$FAR")
exits 1 "merge into an archived case: refused" fq -C repo merge "$D" --into "$AR"
like "... says it is read-only, and the other way round" "$(err)" \
	"$AR is archived \\(read-only\\).*fq merge $AR --into $D"
unchanged "$FD" "$head" "merge into an archived case" "$before"
is "... the archived case unchanged" "$(sum "$FAR")" "$sar"
ok "... merging the archived one into an open case is allowed" fq -C repo merge "$AR" --into "$D"
is "... it is the duplicate" "$(jget "$AR" outcome)" duplicate

# T21: a referral still waiting moves to the surviving case.
P=$(TITLE=保留的借贷纠纷 new_case --accepted 2024-03-05 --mediator 张调解)
fq -C repo refer "$P" --to 青山派出所 --kind invite --channel police >/dev/null
Q=$(TITLE=重复的借贷纠纷 new_case --accepted 2024-03-06 --mediator 张调解)
fq -C repo mediate "$Q" >/dev/null
fq -C repo refer "$Q" --to 青山人民法庭 --kind transfer --channel litigation >/dev/null
FP=$(case_file "$P") FQ=$(case_file "$Q")
ok "merge a referred_out case into another" fq -C repo merge "$Q" --into "$P"
rget() {	# rget ID N KEY: referral N's KEY, from the JSON
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
is "... the surviving case has it as referral #2" "$(rget "$P" 2 to_org)" 青山人民法庭
is "... still waiting" "$(rget "$P" 2 state)" sent
like "... noted where it came from" "$(rget "$P" 2 note)" "由 $Q-R1 并入"
is "... its receipt deadline with it" "$(rget "$P" 2 due_receipt)" "$(rget "$Q" 1 due_receipt)"
is "... on the duplicate: cancelled" "$(rget "$Q" 1 state)" cancelled
like "... saying where it went" "$(rget "$Q" 1 note)" "并入 $P-R2"
is "... the duplicate has nothing due" "$(jget "$Q" due_on)" ""
exits 0 "... fq due lists it under the surviving case" fq due -C repo --within 30 --format tsv
like "... as $P-R2" "$(out)" "$(printf '%s\t[a-z]*\treceipt\t' "$P")"
unlike "... not under the duplicate" "$(out)" "$(printf '^%s\t' "$Q")"
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""

done_testing
