#!/bin/sh
# fq note: add an event to a case's log.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
A=$(new_case --accepted 2024-03-05 --mediator 张调解)
B=$(TITLE=无调解员案件 new_case)
is "two cases" "$A $B" "QSZ-2024-000001 QSZ-2024-000002"
FA=repo/cases/2024/03/$A.yaml
FB=repo/cases/2024/03/$B.yaml
N=$(commits repo)

# --- a plain note ---------------------------------------------------------
exits 0 "note ID TEXT" fq note -C repo "$A" 电话联系王某甲，约定下周面谈
is "... nothing on stdout" "$(out)" ""
is "... one commit" "$(commits repo)" $((N + 1))
is "... its message" "$(git -C repo log -1 --format=%s)" \
	"fq-note: $A 王某甲与王某乙宅基地纠纷"
is "... authored by the clerk" "$(git -C repo log -1 --format='%an <%ae>')" \
	"李调解 <li@example.org>"
is "... touches only the case" "$(git -C repo show --format= --name-only HEAD)" \
	"cases/2024/03/$A.yaml"
like "... the event is in the file" "$(cat "$FA")" 'note: 电话联系王某甲，约定下周面谈$'
like "... as kind note" "$(cat "$FA")" 'kind: note$'
is "... two events now" "$(grep -c '^- at: ' "$FA")" 2
like "... status unchanged" "$(cat "$FA")" '^status: accepted$'
exits 0 "show" fq show -C repo "$A"
like "... shows the note in the timeline" "$(out)" '李调解 +电话联系王某甲，约定下周面谈'
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""

exits 0 "several words are one text" fq note -C repo "$A" 再次 电话 联系
like "... joined by blanks" "$(cat "$FA")" 'note: 再次 电话 联系$'
T='甲说: 不同意 # 再议 "明天" - [x]'
exits 0 "text with YAML syntax in it" fq note -C repo "$A" "$T"
exits 0 "... reads back" fq show -C repo --format json "$A"
is "... exactly" "$(out | python3 -c '
import json, sys; print(json.load(sys.stdin)["events"][-1]["note"])')" "$T"
exits 0 "a kind by label and a place" fq note -C repo --kind 实地走访 \
	--place 东村 "$A" 实地查看滴水檐
like "... kind code stored" "$(cat "$FA")" 'kind: visit_site$'
like "... place stored" "$(cat "$FA")" 'place: 东村$'
exits 0 "a kind by alias" fq note -C repo --kind 电话 "$A" 又打了电话
like "... stored as contact" "$(tail -5 "$FA")" 'kind: contact$'
exits 0 "a kind by pinyin" fq note -C repo --kind yphhz "$A" 召开研判会
like "... stored as consultation" "$(tail -5 "$FA")" 'kind: consultation$'
like "still accepted" "$(cat "$FA")" '^status: accepted$'

# --- a session moves an accepted case with a mediator to mediating ---------
N=$(commits repo)
exits 0 "--kind session on an accepted case with a mediator" \
	fq note -C repo --kind session "$A" 组织双方第一次调解
is "... one commit" "$(commits repo)" $((N + 1))
like "... status mediating" "$(cat "$FA")" '^status: mediating$'
like "... the event records the step" "$(tail -8 "$FA")" 'state_from: accepted'
like "... to mediating" "$(tail -8 "$FA")" 'state_to: mediating'
exits 0 "show" fq show -C repo "$A"
like "... 状态 调解中" "$(out)" '状态 +调解中'
like "... the step in the timeline" "$(out)" '已受理 → 调解中.*组织双方第一次调解'
exits 0 "a second session" fq note -C repo --kind session "$A" 第二次调解
like "... still mediating" "$(cat "$FA")" '^status: mediating$'
is "... only one state change" "$(grep -c 'state_to: mediating' "$FA")" 1

# --- without a mediator it warns and stays accepted -----------------------
N=$(commits repo)
exits 0 "--kind session without a mediator" \
	fq note -C repo --kind session "$B" 双方到场
like "... warns" "$(err)" 'warning.*mediator'
like "... stays accepted" "$(cat "$FB")" '^status: accepted$'
unlike "... no state change" "$(cat "$FB")" 'state_to: mediating'
like "... the event is recorded" "$(cat "$FB")" 'note: 双方到场$'
is "... one commit" "$(commits repo)" $((N + 1))

# --- bad input ----------------------------------------------------------
N=$(commits repo)
cp "$FA" fa.before
exits 2 "an unknown kind exits 2" fq note -C repo --kind nosuch "$A" 文字
like "... names the option" "$(err)" '--kind'
like "... lists the kinds" "$(err)" 'session'
exits 2 "missing text exits 2" fq note -C repo "$A"
like "... asks for the text" "$(err)" 'text'
exits 2 "an empty text exits 2" fq note -C repo "$A" ''
exits 2 "a blank text exits 2" fq note -C repo "$A" '  ' ' '
exits 2 "no arguments exit 2" fq note -C repo
exits 2 "invalid UTF-8 exits 2" fq note -C repo "$A" "$(printf 'bad\377')"
exits 1 "an unknown case exits 1" fq note -C repo QSZ-2024-000999 文字
like "... names it" "$(err)" 'QSZ-2024-000999'
exits 2 "a bad ID exits 2" fq note -C repo ../../x 文字
exits 2 "an unknown option exits 2" fq note -C repo --colour "$A" 文字
is "nothing committed by bad input" "$(commits repo)" "$N"
is "the case file unchanged" "$(cat "$FA")" "$(cat fa.before)"
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""
ok "no case file for the unknown ID" test -z "$(find repo/cases -name 'QSZ-2024-000999*')"
exits 0 "fq check passes" fq check -C repo

done_testing
