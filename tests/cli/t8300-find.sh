#!/bin/sh
# Finding things: fq list text: with Chinese substrings and pinyin
# initials of titles and party names; fq list mine.
. "$(dirname "$0")/lib.sh"

fq init repo --unit QSZ --name 青山镇人民调解委员会 >/dev/null
fq -C repo new --title 王明军与李四宅基地纠纷 --category 宅基地 \
	--summary 两家因滴水檐发生争执 --party 王明军:申请人:13800000001 --party 李四 \
	--accepted 2024-03-05 >/dev/null
fq -C repo new --title 楼上漏水 --category 邻里纠纷 --summary 长期漏水 \
	--party 张长江 --party 赵六 --accepted 2024-03-06 >/dev/null
fq -C repo new --title 工资拖欠 --category 劳动争议 --summary 三个月工资 \
	--party 陈小红 --accepted 2024-03-07 >/dev/null
fq -C repo mediate QSZ-2024-000001 --mediator 李调解 >/dev/null
fq -C repo mediate QSZ-2024-000002 --mediator 张调解 --mediator 李调解 >/dev/null
fq -C repo mediate QSZ-2024-000003 --mediator 张调解 >/dev/null

ids() { fq -C repo list --format tsv "$@" | tail -n +2 | cut -f1 | tr '\n' ' '; }

is "text: a Chinese substring of the title" "$(ids text:宅基地)" "QSZ-2024-000001 "
is "text: a Chinese substring of the summary" "$(ids text:滴水)" "QSZ-2024-000001 "
is "text: of a party's name" "$(ids text:赵六)" "QSZ-2024-000002 "
is "text: two characters across the title" "$(ids text:漏水)" "QSZ-2024-000002 "
is "text: no match" "$(ids text:离婚)" ""

if [ -r /usr/share/rime-data/luna_pinyin.dict.yaml ]; then
	is "text:wmj finds 王明军 (a party, and the title)" "$(ids text:wmj)" \
		"QSZ-2024-000001 "
	is "in capitals too" "$(ids text:WMJ)" "QSZ-2024-000001 "
	is "the initials of a title" "$(ids text:lsls)" "QSZ-2024-000002 "
	is "of a party's name alone" "$(ids text:cxh)" "QSZ-2024-000003 "
	is "a character with two readings: 长 zhang" "$(ids text:zcj)" \
		"QSZ-2024-000002 "
	is "... and chang (长江: cj)" "$(ids text:cj)" "QSZ-2024-000002 "
	is "not the summary's initials (两家因: ljy)" "$(ids text:ljy)" ""
	is "a run, not scattered letters" "$(ids text:wj)" ""
	is "with another filter" "$(ids text:wmj category:邻里纠纷)" ""
	is "the same without the index" \
		"$(FQ_NOINDEX=1 fq -C repo list --format tsv text:zcj | tail -n +2 | cut -f1)" \
		"QSZ-2024-000002"
	like "fq export finds the same" \
		"$(fq -C repo export --format csv text:cxh)" "陈小红"
else
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		_n=$((_n + 1)); echo "ok $_n # SKIP rime-data-luna-pinyin not installed"
	done
fi
is "an ASCII word still matches as text" "$(ids text:QSZ-2024-000003)" "QSZ-2024-000003 "

is "mine: the cases FQ_USER mediates" "$(ids mine)" "QSZ-2024-000001 QSZ-2024-000002 "
is "another clerk's" "$(FQ_USER=张调解 ids mine)" "QSZ-2024-000002 QSZ-2024-000003 "
is "mine with another filter" "$(ids mine category:邻里纠纷)" "QSZ-2024-000002 "
is "a clerk who mediates nothing" "$(FQ_USER=王五 ids mine)" ""
git -C repo config user.name 张调解
is "without FQ_USER, git's user.name" "$(env -u FQ_USER fq -C repo list --format tsv mine | tail -n +2 | cut -f1 | tr '\n' ' ')" \
	"QSZ-2024-000002 QSZ-2024-000003 "
is "mine without the index" \
	"$(FQ_NOINDEX=1 fq -C repo list --format tsv mine | tail -n +2 | cut -f1 | tr '\n' ' ')" \
	"QSZ-2024-000001 QSZ-2024-000002 "
like "fq export mine" "$(fq -C repo export --format csv mine)" "QSZ-2024-000001"
exits 2 "mine:X is not a filter" fq -C repo list mine:李调解
like "an unknown key lists mine" "$(cat "$TEST_TMP/.err")" "mine"

is "list wrote nothing" "$(git -C repo status --porcelain)" ""
done_testing
