#!/bin/sh
# Guided entry: fq new on a terminal asks field by field, in Chinese.
# tmux runs it; send-keys types a whole session (with mistakes, which it
# must catch and ask again), capture-pane reads the screen; then the
# saved case is checked.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi

fq init repo --unit QSZ --name 青山镇人民调解委员会 --town 青山镇 >/dev/null
commits() { git -C repo rev-list --count HEAD; }

# Each session its own tmux server (a socket in TEST_TMP).
k=0
sock="$TEST_TMP/tmux.$k.sock"
T() { tmux -u -S "$sock" "$@"; }
trap 'for s in "$TEST_TMP"/tmux.*.sock; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$TEST_TMP"' EXIT

# W tenths of a second for the screen to show a text (ten times as many
# under valgrind)
W=100
[ -z "$FQ_VG" ] || W=1000

# start: fq new in a fresh tmux server; its exit code goes to exit.txt
start() {
	rm -f "$TEST_TMP/exit.txt"
	[ -S "$sock" ] && T kill-server 2>/dev/null
	k=$((k + 1))
	sock="$TEST_TMP/tmux.$k.sock"
	_late=
	T new-session -d -s fq -x 160 -y 60 \
		"cd '$TEST_TMP' && fq -C repo new; echo \$? > '$TEST_TMP/exit.txt'; sleep 60"
}
screen() { T capture-pane -p -t fq -S -200; }
# wait_for TEXT: until the screen shows TEXT (W/10 s at most; the first
# time-out is a failure, and after it the rest do not wait)
wait_for() {
	_i=0
	while ! screen | grep -qF -- "$1"; do
		_i=$((_i + 1))
		if [ $_i -gt $W ] || [ -n "$_late" ]; then
			echo "# timed out waiting for: $1"
			[ -z "$_late" ] && screen | sed 's/^/#   /' | tail -15
			[ -z "$_late" ] && ok "the screen shows '$1' in time" false
			_late=1
			return 1
		fi
		sleep 0.1
	done
}
# answer PROMPT TEXT: wait for the prompt, type TEXT and Enter (the pty
# keeps what is typed early until fq reads it)
answer() {
	wait_for "$1" || return 1
	[ -n "$2" ] && T send-keys -t fq -l -- "$2"
	T send-keys -t fq Enter
}
done_wait() {
	_i=0
	while [ ! -s "$TEST_TMP/exit.txt" ] && [ $_i -lt $W ]; do
		_i=$((_i + 1)); sleep 0.1
	done
	cat "$TEST_TMP/exit.txt" 2>/dev/null
}

N=$(commits)
start
wait_for "纠纷类别"
like "the categories are offered, numbered" "$(screen)" " 2 邻里纠纷 lljf"
answer "纠纷类别" "xyz"
wait_for "没有“xyz”"
ok "an unknown category is refused, and asked again" true
answer "没有“xyz”" "ljjf"			# pinyin initials (an alias of lljf)
answer "纠纷简要情况" "楼上卫生间漏水，淹了楼下厨房"
wait_for "纠纷名称 (title) [楼上卫生间漏水"
ok "the title is offered from the summary" true
answer "纠纷名称" "王明军与赵六漏水纠纷"
answer "当事人1 姓名" "王明军"
answer "电话 (phone)" "八六五"
wait_for "“八六五”不是电话号码"
ok "a bad phone number is caught as typed" true
T send-keys -t fq -l -- "13800000001"; T send-keys -t fq Enter
answer "当事人2 姓名" "赵六"
wait_for "当事人2 姓名 (party name)，回车结束: 赵六"
T send-keys -t fq Enter			# no phone
answer "当事人3 姓名" ""			# no more parties
wait_for "案件来源"
like "the sources are offered, numbered" "$(screen)" " 4 网格上报"
answer "案件来源" "网格上报"		# by the label
answer "风险等级" "2"			# by the number: 黄
answer "受理日期" "2024-13-01"
wait_for "“2024-13-01”不是日期"
ok "a bad date is caught as typed" true
T send-keys -t fq -l -- "2024-03-25"; T send-keys -t fq Enter
wait_for "2024-03-25 在今天 (2024-03-20) 之后"
ok "a date after today is caught too" true
T send-keys -t fq -l -- "2024-03-18"; T send-keys -t fq Enter
wait_for "确认登记"
screen > shown.txt
like "the case is shown before saving" "$(cat shown.txt)" "请核对"
like "... its title" "$(cat shown.txt)" "纠纷名称：王明军与赵六漏水纠纷"
like "... its category, by label" "$(cat shown.txt)" "纠纷类别：邻里纠纷"
like "... the parties, the phone masked" "$(cat shown.txt)" "王明军（申请人） 138\\*\\*\\*\\*0001"
like "... the respondent" "$(cat shown.txt)" "赵六（被申请人）"
like "... the source" "$(cat shown.txt)" "案件来源：网格上报"
like "... the risk" "$(cat shown.txt)" "风险等级：黄"
like "... the date" "$(cat shown.txt)" "受理日期：2024-03-18"
is "nothing saved before the answer" "$(commits)" "$N"
answer "确认登记" "是"
is "fq new exits 0" "$(done_wait)" "0"
is "one commit" "$(commits)" $((N + 1))
f=$(git -C repo ls-tree -r --name-only HEAD cases | grep yaml | tail -1)
case_yaml=$(git -C repo show "HEAD:$f")
like "saved: the title" "$case_yaml" "title: 王明军与赵六漏水纠纷"
like "saved: the category by its code" "$case_yaml" "category: neighbor"
like "saved: the summary" "$case_yaml" "summary: 楼上卫生间漏水，淹了楼下厨房"
like "saved: the source" "$case_yaml" "source: grid_report"
like "saved: the colour" "$case_yaml" "risk_color: yellow"
like "saved: the date typed" "$case_yaml" "accepted_on: 2024-03-18"
flat=$(printf '%s' "$case_yaml" | tr '\n' ' ')
like "saved: the applicant with the phone" "$flat" \
	"role: applicant +kind: person +name: 王明军 +phones: +- \"13800000001\""
like "saved: the respondent, no phone" "$flat" \
	"role: respondent +kind: person +name: 赵六 +[a-z]"
unlike "... no phone for the respondent" "$flat" "name: 赵六 +phones"
unlike "saved: no third party" "$case_yaml" "role: party"
like "the commit names the case" "$(git -C repo log -1 --format=%s)" \
	"^fq-new: QSZ-2024-[0-9]{6} 王明军与赵六漏水纠纷$"

# Saying no saves nothing.
N=$(commits)
start
answer "纠纷类别" "3"
answer "纠纷简要情况" "宅基地界址争议"
answer "纠纷名称" ""
answer "当事人1 姓名" "李四:申请人:13900000002"	# the short form works too
answer "当事人2 姓名" ""
answer "案件来源" ""
answer "风险等级" ""
answer "受理日期" ""
wait_for "确认登记"
screen | tr '\n' ' ' > shown.txt
like "the defaults were taken" "$(cat shown.txt)" \
	"纠纷名称：宅基地界址争议 +纠纷类别：房屋宅基地纠纷 .*案件来源：当事人申请 +风险等级：蓝 +受理日期：2024-03-20"
like "the short form NAME:ROLE:PHONE" "$(cat shown.txt)" "李四（申请人） 139\*\*\*\*0002"
answer "确认登记" "n"
is "no: fq new exits 1" "$(done_wait)" "1"
like "... saying so" "$(screen)" "not confirmed: nothing registered"
is "... and nothing is committed" "$(commits)" "$N"
is "... nor left in the working tree" "$(git -C repo status --porcelain)" ""

done_testing
