#!/bin/sh
# Colour in fq due's table on a terminal, as in fq list's: a red or
# yellow case's risk, ID and title in its colour, what is due in the
# case's state colour, a passed deadline bold red and a coming one
# yellow; the columns line up as without colour; never through a pipe,
# with NO_COLOR or TERM=dumb, nor in tsv or json.
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
new 红色纠纷 2024-01-05		# 000001: red, overdue
new 黄色纠纷 2024-02-21		# 000002: yellow, due 2024-03-21
new 蓝色纠纷 2024-01-10		# 000003: blue, mediating, overdue
fq -C repo risk QSZ-2024-000001 --color red --plan 稳控 --lead 张书记 >/dev/null
fq -C repo risk QSZ-2024-000002 --color yellow --plan 稳控 --lead 张书记 >/dev/null
fq -C repo mediate QSZ-2024-000003 --mediator 李调解 >/dev/null

# tty ARGS...: fq due ARGS on a pseudo-terminal, CR LF made LF
tty() {
	script -qec "fq -C repo due $*" /dev/null </dev/null | tr -d '\r'
}
tty >tty.out
line() { grep "$1" tty.out; }
R="${E}\\[31m" Y="${E}\\[33m" BR="${E}\\[1;31m" Z="${E}\\[0m"

like "a red case's risk is red" "$(line 000001)" "^${R}红${Z} "
like "its ID too" "$(line 000001)" "${R}QSZ-2024-000001${Z}"
like "its title too" "$(line 000001)" "${R}红色纠纷${Z}\$"
like "a yellow case is yellow" "$(line 000002)" "^${Y}黄${Z} .*${Y}QSZ-2024-000002"
unlike "a blue case's ID is not coloured" "$(line 000003)" "${E}\\[3[13]mQSZ"
like "what is due, in the state's colour (mediating blue)" "$(line 000003)" \
	"${E}\\[34m调解期限"
like "... accepted: cyan" "$(line 000001)" "${E}\\[36m调解期限"
like "a passed deadline is bold red, with its days late" "$(line 000003)" \
	"${BR}2024-02-18${Z}  ${BR}31天"
like "a coming one yellow" "$(line 000002)" "${Y}2024-03-21${Z}  ${Y}还剩1天"
unlike "the header is not coloured" "$(head -1 tty.out)" "$E"

NO_COLOR=1 script -qec "fq -C repo due" /dev/null </dev/null | tr -d '\r' >plain.out
unlike "NO_COLOR: no escape at all" "$(cat plain.out)" "$E"
is "the columns line up as without colour" \
	"$(sed "s/${E}\\[[0-9;]*m//g" tty.out)" "$(cat plain.out)"
TERM=dumb script -qec "fq -C repo due" /dev/null </dev/null | tr -d '\r' >dumb.out
unlike "TERM=dumb: no colour" "$(cat dumb.out)" "$E"
fq -C repo due | cat >pipe.out
unlike "through a pipe: no colour" "$(cat pipe.out)" "$E"
is "and the same table" "$(cat pipe.out)" "$(cat plain.out)"
for f in tsv json; do
	script -qec "fq -C repo due --format $f" /dev/null </dev/null |
		tr -d '\r' >$f.out
	unlike "$f is never coloured, even on a terminal" "$(cat $f.out)" "$E"
done

done_testing
