#!/bin/sh
# fq new: register a case.
. "$(dirname "$0")/lib.sh"
exec </dev/null

clean() {	# the working tree equals HEAD
	is "$1: working tree equals HEAD" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
}
head_file() { git -C repo show "HEAD:$1"; }

make_repo

# --- all flags: only the ID on stdout, one commit --------------------
exits 0 "new with every required flag" fq new -C repo \
	--title 王某甲与王某乙宅基地纠纷 --category housing_homestead \
	--summary 两家因滴水檐发生争执 --party 王某甲:申请人:13800000001 \
	--party 王某乙 --accepted 2024-03-05 --mediator 张调解
is "stdout is only the ID" "$(out)" QSZ-2024-000001
is "stdout is exactly one line" "$(out | wc -l | tr -d ' ')" 1
is "two commits (init + new)" "$(commits repo)" 2
is "commit message names the command, case and title" \
	"$(git -C repo log -1 --format=%s)" \
	"fq-new: QSZ-2024-000001 王某甲与王某乙宅基地纠纷"
is "author is FQ_USER <FQ_EMAIL>" "$(git -C repo log -1 --format='%an <%ae>')" \
	"李调解 <li@example.org>"
F=cases/2024/03/QSZ-2024-000001.yaml
ok "file at cases/YYYY/MM/ID.yaml" test -f "repo/$F"
is "the commit touches only that file" \
	"$(git -C repo show --format= --name-only HEAD)" "$F"
is "file mode 0600" "$(stat -c %a "repo/$F")" 600
clean "new"
is "the file in HEAD equals the working file" "$(head_file "$F")" \
	"$(cat "repo/$F")"
Y=$(cat "repo/$F")
like "id in the file" "$Y" '^id: QSZ-2024-000001$'
like "status accepted" "$Y" '^status: accepted$'
like "category code" "$Y" '^category: housing_homestead$'
like "accepted_on" "$Y" '^accepted_on: 2024-03-05$'
like "source defaults to application" "$Y" '^source: application$'
like "risk defaults to blue" "$Y" '^risk_color: blue$'
like "summary" "$Y" '^summary: 两家因滴水檐发生争执$'
like "party name" "$Y" 'name: 王某甲$'
like "party role by label → code" "$Y" 'role: applicant$'
like "second party defaults to respondent" "$Y" 'role: respondent$'
like "phone kept in the file" "$Y" '13800000001'
like "mediator" "$Y" '^- 张调解$'
like "an intake event" "$Y" 'kind: intake$'
like "the event names the clerk" "$Y" 'actor: 李调解$'
like "town from fq.yaml" "$Y" '^town: 青山镇$'
# 2024-03-05 + 1 month = 04-05 (清明), 04-06 Saturday holiday, 04-07 调休.
like "due_on skips 清明 to the 调休 Sunday" "$Y" '^due_on: 2024-04-07$'

# --- IDs increase; category by label, alias, pinyin ------------------
exits 0 "category by Chinese label" fq new -C repo --title 邻里噪音 \
	--category 邻里纠纷 --summary 楼上噪音 --party 甲 --party 乙
is "... next ID" "$(out)" QSZ-2024-000002
like "... stored as code" "$(head_file cases/2024/03/QSZ-2024-000002.yaml)" \
	'^category: neighbor$'
like "accepted_on defaults to FQ_TODAY" \
	"$(head_file cases/2024/03/QSZ-2024-000002.yaml)" '^accepted_on: 2024-03-20$'
exits 0 "category by alias" fq new -C repo --title 宅基地 --category 宅基地 \
	--summary 宅基地界址 --party 甲
is "... next ID" "$(out)" QSZ-2024-000003
like "... stored as code" "$(head_file cases/2024/03/QSZ-2024-000003.yaml)" \
	'^category: housing_homestead$'
exits 0 "category by pinyin initials" fq new -C repo --title 噪音 \
	--category lljf --summary 噪音 --party 甲
is "... next ID" "$(out)" QSZ-2024-000004
like "... stored as code" "$(head_file cases/2024/03/QSZ-2024-000004.yaml)" \
	'^category: neighbor$'
is "four cases, five commits" "$(commits repo)" 5
is "every new is its own commit, newest first" \
	"$(git -C repo log --format=%s | sed -n '1,4s/^fq-new: \([^ ]*\) .*/\1/p' | tr '\n' ' ')" \
	"QSZ-2024-000004 QSZ-2024-000003 QSZ-2024-000002 QSZ-2024-000001 "

# --- IDs per year ------------------------------------------------------
exits 0 "a case accepted last year" fq new -C repo --title 旧案 \
	--category lljf --summary 旧案 --party 甲 --accepted 2023-12-30
is "... gets last year's first ID" "$(out)" QSZ-2023-000001
ok "... filed under cases/2023/12/" test -f repo/cases/2023/12/QSZ-2023-000001.yaml
like "... due a month later (2024-01-30, a Tuesday)" \
	"$(cat repo/cases/2023/12/QSZ-2023-000001.yaml)" '^due_on: 2024-01-30$'
exits 0 "this year's sequence goes on" fq new -C repo --title 新案 \
	--category lljf --summary 新案 --party 甲
is "... QSZ-2024-000005" "$(out)" QSZ-2024-000005
clean "per year"

# --- bad input: exit 2, nothing committed --------------------------------
N=$(commits repo)
exits 2 "an unknown category exits 2" fq new -C repo --title x \
	--category nosuch --summary x --party 甲
like "... names the option" "$(err)" '--category'
like "... lists the choices (codes)" "$(err)" 'neighbor'
like "... lists the choices (labels)" "$(err)" '邻里纠纷'
is "... stdout empty" "$(out)" ""
is "... nothing committed" "$(commits repo)" "$N"

exits 2 "missing --title without a terminal exits 2" fq new -C repo \
	--category lljf --summary x --party 甲
like "... names --title" "$(err)" 'missing.*--title'
unlike "... does not prompt" "$(err)" 'Title|Summary|Category'
exits 2 "missing --summary exits 2" fq new -C repo --title x \
	--category lljf --party 甲
like "... names --summary" "$(err)" 'missing.*--summary'
exits 2 "missing --category exits 2" fq new -C repo --title x \
	--summary x --party 甲
like "... names --category" "$(err)" 'missing.*--category'
exits 2 "missing --party exits 2" fq new -C repo --title x \
	--category lljf --summary x
like "... names --party" "$(err)" 'missing.*--party'
exits 2 "everything missing exits 2" fq new -C repo
like "... names all of them" "$(err)" 'missing.*--category.*--summary.*--title.*--party'
is "... nothing committed" "$(commits repo)" "$N"

for d in 2024-02-30 2024/03/05 20240305 2024-3-5 yesterday 2024-13-01 ''; do
	exits 2 "bad date '$d' exits 2" fq new -C repo --title x \
		--category lljf --summary x --party 甲 --accepted "$d"
	like "... names --accepted" "$(err)" '--accepted'
done
exits 2 "a future date exits 2" fq new -C repo --title x --category lljf \
	--summary x --party 甲 --accepted 2024-03-21
like "... says it is in the future" "$(err)" 'future'
exits 0 "today is not the future" fq new -C repo --title 今日 \
	--category lljf --summary x --party 甲 --accepted 2024-03-20
is "... QSZ-2024-000006" "$(out)" QSZ-2024-000006
N=$(commits repo)
exits 2 "a bad phone exits 2" fq new -C repo --title x --category lljf \
	--summary x --party '王某:申请人:abc'
like "... names the phone" "$(err)" "'abc'"
exits 2 "a phone with letters exits 2" fq new -C repo --title x \
	--category lljf --summary x --party '王某:申请人:138x0000001'
exits 2 "an unknown party role exits 2" fq new -C repo --title x \
	--category lljf --summary x --party '王某:国王'
exits 2 "an empty party name exits 2" fq new -C repo --title x \
	--category lljf --summary x --party ':申请人'
exits 2 "an unknown risk colour exits 2" fq new -C repo --title x \
	--category lljf --summary x --party 甲 --risk purple
exits 2 "an unknown source exits 2" fq new -C repo --title x \
	--category lljf --summary x --party 甲 --source nosuch
exits 2 "a stray argument exits 2" fq new -C repo --title x \
	--category lljf --summary x --party 甲 extra
exits 2 "--reported --source application exits 2" fq new -C repo \
	--reported --title x --category lljf --summary x --party 甲 \
	--source application
like "... says why" "$(err)" 'source'
exits 2 "--reported with --accepted exits 2" fq new -C repo --reported \
	--title x --category lljf --summary x --accepted 2024-03-01
exits 2 "an empty --title exits 2" fq new -C repo --title '' \
	--category lljf --summary x --party 甲
like "... names --title" "$(err)" '--title'
exits 2 "an empty --summary exits 2" fq new -C repo --title x \
	--category lljf --summary '' --party 甲
like "... names --summary" "$(err)" '--summary'
exits 2 "a blank --summary exits 2" fq new -C repo --title x \
	--category lljf --summary '   ' --party 甲
exits 2 "a --title that is not UTF-8 exits 2" fq new -C repo \
	--title "$(printf 'bad\377')" --category lljf --summary x --party 甲
LONG=$(python3 -c 'print("长" * 61)')
fq new -C repo --title "$LONG" --category lljf --summary x --party 甲 \
	>long.out 2>long.err
rc=$?
ok "a --title over 60 characters is refused (exit $rc)" \
	test "$rc" = 2 -o "$rc" = 65
like "... naming the title" "$(cat long.err)" 'title'
is "... nothing on stdout" "$(cat long.out)" ""
is "... nothing committed by any bad input" "$(commits repo)" "$N"
clean "bad input"

# --- parties ------------------------------------------------------------
exits 0 "full-width colons in --party" fq new -C repo --title 全角 \
	--category lljf --summary x --party '王某：申请人：13800000001' \
	--party '李某：被申请人'
ID=$(out)
Y=$(cat repo/cases/2024/03/"$ID".yaml)
like "... name split at ：" "$Y" 'name: 王某$'
unlike "... no colon left in a name" "$Y" 'name: .*[:：]'
like "... phone split at ：" "$Y" '"?13800000001"?$'
like "... second party role" "$Y" 'role: respondent$'
exits 0 "a party with a role code and a dashed phone" fq new -C repo \
	--title 代码 --category lljf --summary x \
	--party '赵某:third_party:0571-88886666'
like "... role code kept" "$(cat repo/cases/2024/03/"$(out)".yaml)" 'role: third_party$'
like "... phone kept" "$(cat repo/cases/2024/03/"$(out)".yaml)" '0571-88886666'

# --- reported ---------------------------------------------------------------
exits 0 "--reported registers a screened case" fq new -C repo --reported \
	--category lljf --summary 排查发现邻里矛盾 --title 排查
RID=$(out)
like "... an ID" "$RID" '^QSZ-2024-[0-9]{6}$'
Y=$(cat repo/cases/2024/03/"$RID".yaml)
like "... status reported" "$Y" '^status: reported$'
like "... reported_on today" "$Y" '^reported_on: 2024-03-20$'
unlike "... no accepted_on" "$Y" '^accepted_on:'
like "... source screening" "$Y" '^source: screening$'
exits 0 "--reported --reported-on DATE --source grid_report" fq new -C repo \
	--reported --reported-on 2024-03-18 --source 网格上报 --category lljf \
	--summary 网格员上报 --title 网格
like "... reported_on" "$(cat repo/cases/2024/03/"$(out)".yaml)" '^reported_on: 2024-03-18$'
like "... source" "$(cat repo/cases/2024/03/"$(out)".yaml)" '^source: grid_report$'
exits 2 "--reported-on in the future exits 2" fq new -C repo --reported \
	--reported-on 2024-04-01 --category lljf --summary x --title x

# --- red and yellow without a plan: warn ----------------------------------
exits 0 "a red case without --plan" fq new -C repo --title 红色 \
	--category lljf --summary 可能激化 --party 甲 --risk red
like "... stdout is only the ID" "$(out)" '^QSZ-2024-[0-9]{6}$'
is "... one line" "$(out | wc -l | tr -d ' ')" 1
like "... warns on stderr about the plan" "$(err)" 'warning.*--plan'
RED=$(out)
like "... stored red" "$(cat repo/cases/2024/03/"$RED".yaml)" '^risk_color: red$'
exits 0 "a red case with plan and lead" fq new -C repo --title 红色 \
	--category lljf --summary 可能激化 --party 甲 --risk 红 \
	--plan 一案一策 --lead 王镇长
is "... no warning" "$(err)" ""
like "... plan stored" "$(cat repo/cases/2024/03/"$(out)".yaml)" '^plan: 一案一策$'
exits 0 "a blue case: no warning" fq new -C repo --title 蓝色 \
	--category lljf --summary x --party 甲
is "... stderr empty" "$(err)" ""
clean "after all writes"

# --- author from git when FQ_USER is unset ------------------------------
git -C repo config user.name 赵文书
git -C repo config user.email zhao@example.org
exits 0 "without FQ_USER the author comes from git config" \
	env -u FQ_USER -u FQ_EMAIL fq new -C repo --title git作者 \
	--category lljf --summary x --party 甲
is "... author" "$(git -C repo log -1 --format='%an <%ae>')" \
	"赵文书 <zhao@example.org>"

# --- --edit -------------------------------------------------------------
exits 0 "--edit opens the editor on the new case" \
	env EDITOR="sed -i s/两家/三家/" fq new -C repo --edit --title 编辑 \
	--category lljf --summary 两家争执 --party 甲
EID=$(out)
like "... prints the ID" "$EID" '^QSZ-2024-[0-9]{6}$'
like "... the edit is registered" "$(cat repo/cases/2024/03/"$EID".yaml)" \
	'^summary: 三家争执$'
N=$(commits repo)
exits 1 "--edit with an emptied file registers nothing" \
	env EDITOR="cp /dev/null" fq new -C repo --edit --title 放弃 \
	--category lljf --summary x --party 甲
is "... nothing committed" "$(commits repo)" "$N"
clean "edit"

# --- on a terminal it asks for what is missing (script(1) gives a pty) ----
if command -v script >/dev/null 2>&1; then
	N=$(commits repo)
	# title; then source, colour, date (defaults); confirm
	printf '噪音扰民\n\n\n\ny\n' | timeout ${FQ_VG:+10}20 script -qec \
		"fq new -C repo --category lljf --summary 楼上噪音 --party 甲" \
		/dev/null >tty.out 2>&1
	like "on a terminal, a missing title is asked for" "$(cat tty.out)" 'title'
	is "... one commit" "$(commits repo)" $((N + 1))
	like "... titled by the answer" "$(git -C repo log -1 --format=%s)" \
		'^fq-new: QSZ-2024-[0-9]{6} 噪音扰民$'
	# category, summary, title, party (name, phone, no second), source,
	# colour, date, confirm
	printf '邻里\n楼下漏水\n\n王某\n\n\n\n\n\ny\n' | timeout ${FQ_VG:+10}20 script -qec \
		"fq new -C repo" /dev/null >tty.out 2>&1
	like "with nothing given, it asks for category, summary, title, party" \
		"$(cat tty.out)" 'category.*summary.*title.*party'
	like "... and registers the case, title from the summary" \
		"$(git -C repo log -1 --format=%s)" \
		'^fq-new: QSZ-2024-[0-9]{6} 楼下漏水$'
	is "... two commits in all" "$(commits repo)" $((N + 2))
else
	for _ in 1 2 3 4 5; do
		_n=$((_n + 1)); echo "ok $_n - # SKIP script(1) not installed"
	done
fi
clean "terminal"

# --- the history is git's, and complete ----------------------------------
is "every commit is one fq command" \
	"$(git -C repo log --format=%s | grep -cv '^fq-\(new\|init\): ')" 0
ok "git fsck" git -C repo fsck --no-progress
exits 0 "fq check passes after all this" fq check -C repo

done_testing
