#!/bin/sh
# The $EDITOR template of fq edit and fq new --edit: a comment above each
# field, from the schema (its Chinese label, required or not, what it
# takes, an enumeration's choices), in Chinese under zh_CN; the loader
# ignores the comments, and the committed file has none.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
ID=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo risk "$ID" --color yellow --plan 稳控 --lead 张书记 >/dev/null 2>&1
F=repo/cases/2024/03/$ID.yaml
mkdir ed
# "editors": keep a copy of what they were given, maybe change a line
cat >ed/look <<'EOF2'
#!/bin/sh
cp "$1" "$TEST_TMP/seen.yaml"
EOF2
cat >ed/village <<'EOF2'
#!/bin/sh
cp "$1" "$TEST_TMP/seen.yaml"
sed -i 's/^town: .*/town: 青山镇\nvillage: 东村  # 一条自己的注释/' "$1"
EOF2
chmod +x ed/*
export TEST_TMP
ED=$TEST_TMP/ed

# above: the comment line right above the first line matching ^$1
above() { awk -v k="^$1" '$0 ~ k { print prev; exit } { prev = $0 }' seen.yaml; }

exits 0 "an edit that changes nothing" env EDITOR="$ED/look" fq edit -C repo "$ID"
like "... says so: the comments are not a change" "$(err)" 'no changes'
like "the template starts with how to use it" "$(head -1 seen.yaml)" \
	"^# fq edit $ID: change what needs changing"
is "the ID: its label, required, not to change" "$(above id:)" \
	"# 编号 (required): do not change: the case's number"
is "the title: its length" "$(above title:)" \
	"# 纠纷名称 (required): one line of text, at most 60 characters"
like "the category: its label, then the choices" "$(above '#   marriage')" \
	'^# 纠纷类别 \(required\): one of the codes below$'
like "... the codes with their labels" "$(cat seen.yaml)" \
	'#   marriage_family 婚姻家庭纠纷, neighbor 邻里纠纷,'
like "the risk colour's three choices" "$(cat seen.yaml)" \
	'#   red 红, yellow 黄, blue 蓝'
is "a date field" "$(above accepted_on:)" "# 受理日期: a date, YYYY-MM-DD"
is "the events: append only" "$(above events:)" "# 办理记录 (required): append only: add new events at the end, never change or delete the ones above"
is "a party's field, indented as the field" "$(above '  name:')" \
	"  # 姓名 (required): one line of text, at most 100 characters"
is "a record's field explained once: the second party's name has none" \
	"$(grep -c '# 姓名' seen.yaml)" 1
# every top-level field of the case has its comment
keys=$(grep -E '^[a-z_]+:' "$F" | cut -d: -f1)
missing=
for k in $keys; do
	above "$k:" | grep -q '^# ' || missing="$missing $k"
done
is "every field of the case file has a comment above it" "$missing" ""
is "without the comments, the template is the case file" \
	"$(grep -v '^ *#' seen.yaml)" "$(cat "$F")"

N=$(commits repo)
exits 0 "an edit among the comments (and a comment of the clerk's)" \
	env EDITOR="$ED/village" fq edit -C repo "$ID"
is "... is committed" "$(commits repo)" $((N + 1))
like "... the change is in the file" "$(cat "$F")" '^village: 东村$'
unlike "... and no comment is" "$(cat "$F")" '#'
is "... the working tree is clean" \
	"$(git -C repo status --porcelain --untracked-files=all)" ""

# fq new --edit: the same comments, under its own heading
exits 0 "fq new --edit" env EDITOR="$ED/look" fq new -C repo --edit \
	--title 编辑 --category 邻里纠纷 --summary s --party 甲 \
	--accepted 2024-03-06
like "its heading" "$(head -1 seen.yaml)" '^# A new case \(新案件登记\): fill in'
is "a field's comment" "$(above summary:)" \
	"# 纠纷简要情况 (required): text; several lines after '|-', indented"
unlike "the case it registered has no comment" \
	"$(cat repo/cases/2024/03/QSZ-2024-000002.yaml)" '#'
exits 1 "a template emptied but for its comments registers nothing" \
	env EDITOR="sed -i /^[^#]/d" fq new -C repo --edit --title 放弃 \
	--category 邻里纠纷 --summary s --party 甲 --accepted 2024-03-06
like "... it is empty" "$(err)" 'empty file: nothing registered'

# In Chinese
if zh_locale; then
	exits 0 "fq edit under zh_CN" zh env EDITOR="$ED/look" fq edit -C repo "$ID"
	like "the heading is Chinese" "$(head -1 seen.yaml)" \
		"^# 修改案件 $ID：改好后保存退出即提交"
	is "a field's comment is Chinese" "$(above title:)" \
		"# 纠纷名称（必填）：一行文字，最多 60 个字"
	is "the rule of a field kept by the steps" "$(above status:)" \
		"# 状态（必填）：用流程命令修改（fq accept、fq mediate、fq agree……），不要在这里改"
	like "the choices, separated by 、" "$(cat seen.yaml)" \
		'#   red 红、 yellow 黄、 blue 蓝'
	unlike "no English left in the comments" \
		"$(grep '^ *#' seen.yaml)" 'required|one of|text|a date'
	exits 0 "fq new --edit under zh_CN" zh env EDITOR="$ED/look" \
		fq new -C repo --edit --title 编辑二 --category 邻里纠纷 \
		--summary s --party 甲 --accepted 2024-03-06
	like "its heading is Chinese" "$(head -1 seen.yaml)" \
		'^# 新案件登记：填好各项后保存退出即登记；清空文件则放弃。$'
else
	echo "# no zh_CN.UTF-8 locale: the Chinese template is not checked"
fi

done_testing
