#!/bin/sh
# Under LANG=zh_CN.UTF-8 a clerk reads Chinese: messages from the
# programs and from libfq, --help, and the tables of fq list, fq show and
# fq due (states, outcomes, categories from the schemas' labels).  English
# stays the default under C.UTF-8; FQ_LOCALEDIR points elsewhere.
# The machine need not have the zh_CN locale (lib.sh: zh_locale).
. "$(dirname "$0")/lib.sh"
exec </dev/null

if ! zh_locale; then
	echo "1..0 # SKIP no zh_CN.UTF-8 locale and cannot build one (Debian: locales)"
	exit 0
fi

make_repo >/dev/null
fq -C repo new --title 王李两家宅基地纠纷 --category 邻里纠纷 --summary 滴水檐 \
	--party 王某甲:申请人:13800000001 --party 李某乙 \
	--accepted 2024-02-01 >/dev/null 2>&1	# 000001: overdue
fq -C repo new --title 土地承包纠纷 --category land_forest --summary 地界 \
	--party 张某 --accepted 2024-03-18 >/dev/null 2>&1	# 000002
fq -C repo reject QSZ-2024-000002 --reason 不属于调解范围 >/dev/null 2>&1

# --- messages -----------------------------------------------------------
exits 2 "a bad ID is a usage error in Chinese too" zh fq -C repo show nope
like "the message is Chinese" "$(err)" \
	'^fq-show: 不是案件编号：“nope”（应为 单位-年份-序号'
exits 2 "a bad date" zh fq -C repo new --title t --category 邻里纠纷 \
	--summary s --party 甲 --accepted 2024-13-01
like "says it is not a date, in Chinese" "$(err)" \
	'^fq-new: --accepted“2024-13-01”不是日期（YYYY-MM-DD）'
like "and the usage line follows, with 用法" "$(err)" '^用法：fq-new \[-C DIR\]'
exits 1 "a step the lifecycle forbids (a message of libfq)" \
	zh fq -C repo accept QSZ-2024-000001
like "is explained in Chinese" "$(err)" \
	'不能对状态为 accepted 的案件执行 accept；状态 accepted 下允许：'
exits 1 "outside a repository" zh fq list
like "the hint is Chinese" "$(err)" '当前不在 fq 案件库中'
exits 2 "an unknown filter value" zh fq -C repo list status:xx
like "names the enumeration by its label" "$(err)" '未知的案件状态“xx”'
fq -C repo show --format yaml QSZ-2024-000001 >edit.yaml
echo 'foo: 1' >>edit.yaml
exits 65 "fq edit --from a file with an unknown field" \
	zh fq -C repo edit QSZ-2024-000001 --from edit.yaml
like "the schema's complaint (libfq) is Chinese" "$(err)" \
	'^fq-edit: edit.yaml:[0-9]+:1: 未知字段“foo”$'
like "and so is what fq edit says then" "$(err)" \
	'^fq-edit: 未做任何修改；您的编辑保存在 edit.yaml$'
unlike "no English words of ours" "$(err)" 'unknown|nothing|your edit'

F=$(ls repo/cases/2024/02/*.yaml)
cp "$F" case.before
sed -i 's/^category: .*/category: nosuch/' "$F"
exits 1 "fq check finds a bad category" zh fq -C repo check
like "the schema's message, its arguments reordered in Chinese" "$(out)" \
	':[0-9]+:[0-9]+: category: “nosuch”不是可用的代码（见 schemas/enums/categories\.yaml）$'
like "and the count" "$(err)" '^fq-check: 已检查 2 个案件文件，发现 [0-9]+ 个问题$'
cp case.before "$F"

# --- help ---------------------------------------------------------------
ok "fq --help" zh fq --help
like "fq --help: 用法" "$(out)" '^用法：fq \[-C DIR\] VERB'
like "fq --help: the commands described in Chinese" "$(out)" \
	'^  due       督办：已逾期和即将到期的案件与移交$'
like "fq --help: the last line" "$(out)" '“fq help 命令”显示 fq-命令 的手册。'
unlike "fq --help: no English description left" "$(out)" \
	'^  [a-z]+ +[a-z]+ [a-z]+'
ok "fq list --help" zh fq list --help
is "fq list --help in Chinese, the usage itself unchanged" "$(out)" \
"用法：fq-list [-C DIR] [--format table|tsv|csv|json] [--bom] [FILTER...]

选项见 fq-list(1)；通用选项：-C DIR、--help、--version。"

# --- tables -------------------------------------------------------------
ok "fq list" zh fq -C repo list
is "fq list: Chinese headings" "$(out | head -1)" \
	"ID               状态    类别          风险  受理日期    时限        纠纷名称"
like "fq list: state and category labels" "$(out)" \
	'^QSZ-2024-000001  已受理  邻里纠纷      蓝 '
like "fq list: a closed case, a category given by its code" "$(out)" \
	'^QSZ-2024-000002  已结案  山林土地纠纷'
ok "fq show" zh fq -C repo show QSZ-2024-000002
like "fq show: the outcome's label" "$(out)" '^  结果 +不予受理$'
like "fq show: the field labels" "$(out)" '^  纠纷类别 +山林土地纠纷$'
like "fq show: section headings in Chinese only" "$(out)" '^当事人$'
like "fq show: the timeline heading" "$(out)" '^办理记录$'
unlike "fq show: no English heading" "$(out)" '^(Parties|Timeline)'
ok "fq due" zh fq -C repo due
is "fq due: Chinese headings" "$(out | head -1)" \
	"风险  ID                   事项            时限        逾期      纠纷名称"
like "fq due: the deadline and the days late" "$(out)" \
	'^蓝    QSZ-2024-000001      调解期限        2024-03-01  19天      王李两家'

# --- English stays the default; FQ_LOCALEDIR ---------------------------
exits 2 "under C.UTF-8" fq -C repo show nope
like "the message is English" "$(err)" "^fq-show: not a case ID: 'nope'"
ok "C.UTF-8 --help" fq list --help
like "English usage" "$(out)" '^usage: fq-list'
mkdir empty-locale
exits 2 "FQ_LOCALEDIR without the catalog" zh env \
	FQ_LOCALEDIR="$TEST_TMP/empty-locale" fq -C repo show nope
like "falls back to English" "$(err)" "^fq-show: not a case ID: 'nope'"
cp -R "$FQ_BUILD_DIR/share/locale" moved-locale
exits 2 "FQ_LOCALEDIR naming a copy of the catalogs" zh env \
	FQ_LOCALEDIR="$TEST_TMP/moved-locale" fq -C repo show nope
like "is used" "$(err)" '^fq-show: 不是案件编号'
done_testing
