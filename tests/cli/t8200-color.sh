#!/bin/sh
# Colour in fq list's table on a terminal (script(1) gives a pty): the
# risk's colour on a red or yellow case, each state its colour, overdue
# red; the columns line up as without colour; never through a pipe or
# with NO_COLOR.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null 2>&1; then
	echo "1..0 # SKIP script(1) is not installed"
	exit 0
fi
E=$(printf '\033')

fq init repo --unit QSZ --name 青山镇人民调解委员会 >/dev/null
new() {
	fq -C repo new --title "$1" --category 邻里纠纷 --summary s --party 甲 \
		--accepted "$2" >/dev/null 2>&1
}
new 红色纠纷 2024-03-05		# 000001: red
new 黄色纠纷 2024-03-06		# 000002: yellow
new 蓝色纠纷 2024-03-07		# 000003: blue, mediating
new 早年纠纷 2024-01-05		# 000004: overdue by 2024-03-20
fq -C repo risk QSZ-2024-000001 --color red --plan 稳控 --lead 张书记 >/dev/null
fq -C repo risk QSZ-2024-000002 --color yellow --plan 稳控 --lead 张书记 >/dev/null
fq -C repo mediate QSZ-2024-000003 --mediator 李调解 >/dev/null

# tty ARGS...: fq list ARGS on a pseudo-terminal, CR LF made LF
tty() {
	script -qec "fq -C repo list $*" /dev/null </dev/null | tr -d '\r'
}
tty >tty.out
line() { grep "$1" tty.out; }

like "a red case's ID is red" "$(line 000001)" "${E}\\[31mQSZ-2024-000001${E}\\[0m"
like "its title too" "$(line 000001)" "${E}\\[31m红色纠纷"
like "a yellow case is yellow" "$(line 000002)" "${E}\\[33mQSZ-2024-000002"
unlike "a blue case's ID is not coloured" "$(line 000003)" "${E}\\[3[13]mQSZ"
like "a state has its colour (mediating blue)" "$(line 000003)" "${E}\\[34m调解中"
like "accepted, in time: cyan" "$(line 000002)" "${E}\\[36m已受理"
like "an overdue case's state is bold red" "$(line 000004)" "${E}\\[1;31m已受理"
unlike "the header is not coloured" "$(head -1 tty.out)" "$E"

# Alignment: without the escapes, the same bytes as with NO_COLOR.
NO_COLOR=1 script -qec "fq -C repo list" /dev/null </dev/null | tr -d '\r' >plain.out
unlike "NO_COLOR: no escape at all" "$(cat plain.out)" "$E"
is "the columns line up as without colour" \
	"$(sed "s/${E}\\[[0-9;]*m//g" tty.out)" "$(cat plain.out)"
NO_COLOR= script -qec "fq -C repo list" /dev/null </dev/null | tr -d '\r' >empty.out
like "an empty NO_COLOR does not count (no-color.org)" "$(cat empty.out)" "$E"
TERM=dumb script -qec "fq -C repo list" /dev/null </dev/null | tr -d '\r' >dumb.out
unlike "TERM=dumb: no colour" "$(cat dumb.out)" "$E"

# An hour deadline (R7: a red case reported up within 4 hours) passed on
# its day: bold red from that hour, not before (FQ_TODAY pins the clock).
fq init hours --unit QSZ --name 青山镇人民调解委员会 >/dev/null
FQ_TODAY=2024-03-20T09:00 fq -C hours new --title 上报纠纷 --category 邻里纠纷 \
	--summary s --party 甲 >/dev/null 2>&1
FQ_TODAY=2024-03-20T10:00 fq -C hours risk QSZ-2024-000001 --color red \
	--plan 稳控 --lead 张书记 >/dev/null 2>&1
htty() {
	FQ_TODAY=$1 script -qec "fq -C hours list" /dev/null </dev/null |
		tr -d '\r' | grep 000001
}
unlike "due at 14:00, at 13:59: not yet red" "$(htty 2024-03-20T13:59)" \
	"${E}\\[1;31m已受理"
like "at 14:01: the state bold red" "$(htty 2024-03-20T14:01)" \
	"${E}\\[1;31m已受理"

fq -C repo list | cat >pipe.out
unlike "through a pipe: no colour" "$(cat pipe.out)" "$E"
is "and the same table" "$(cat pipe.out)" "$(cat plain.out)"
script -qec "fq -C repo list --format tsv" /dev/null </dev/null | tr -d '\r' >tsv.out
unlike "tsv is never coloured, even on a terminal" "$(cat tsv.out)" "$E"

done_testing
