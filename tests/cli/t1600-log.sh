#!/bin/sh
# fq log: who changed a case, and when, from git's history.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
A=$(new_case --accepted 2024-03-05 --mediator 张调解)
B=$(TITLE=另一案件 new_case)
fq note -C repo "$A" 第一次电话 >/dev/null
fq note -C repo "$B" 另一案件的记录 >/dev/null
FQ_USER=王文书 FQ_EMAIL=wang@example.org fq note -C repo "$A" 第二次电话 \
	>/dev/null
EDITOR="sed -i s/两家/三家/" fq edit -C repo "$A" >/dev/null 2>&1
# A change made with plain git shows up too, with its author.
sed -i 's/^summary: 三家/summary: 四家/' repo/cases/2024/03/"$A".yaml
git -C repo -c user.name=手工 -c user.email=hand@example.org \
	commit -qam "hand edit of $A"
git -C repo -c user.name=手工 -c user.email=hand@example.org \
	commit -q --allow-empty -m "an empty commit"
is "setup: nine commits" "$(commits repo)" 9

exits 0 "fq log ID" fq log -C repo "$A"
L=$(out)
is "five entries for A" "$(out | wc -l | tr -d ' ')" 5
like "newest first: the hand edit" "$(out | sed -n 1p)" \
	"手工 <hand@example.org> +hand edit of $A\$"
like "then fq edit" "$(out | sed -n 2p)" "李调解 <li@example.org> +fq-edit: $A "
like "then the note by another clerk" "$(out | sed -n 3p)" \
	"王文书 <wang@example.org> +fq-note: $A "
like "then the first note" "$(out | sed -n 4p)" "李调解 <li@example.org> +fq-note: $A "
like "last fq new" "$(out | sed -n 5p)" \
	"李调解 <li@example.org> +fq-new: $A 王某甲与王某乙宅基地纠纷\$"
unlike "not the other case's commits" "$L" "$B|另一案件"
unlike "not the empty commit" "$L" "empty commit"
unlike "not fq-init" "$L" "fq-init"
like "each line has a date and time with offset" "$(out | sed -n 5p)" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [+-][0-9]{4} '
like "... and an abbreviated commit" "$(out | sed -n 5p)" \
	"$(git -C repo log --format=%H -- "cases/2024/03/$A.yaml" | tail -1 | cut -c1-7)"

exits 0 "--format tsv" fq log -C repo --format tsv "$A"
is "tsv: the commits are git's, newest first" "$(out | cut -f1)" \
	"$(git -C repo log --format=%H -- "cases/2024/03/$A.yaml")"
is "tsv: authors" "$(out | cut -f3 | tr '\n' ' ')" "手工 李调解 王文书 李调解 李调解 "
is "tsv: emails" "$(out | cut -f4 | sed -n 3p)" "wang@example.org"
is "tsv: subjects" "$(out | cut -f5)" \
	"$(git -C repo log --format=%s -- "cases/2024/03/$A.yaml")"
like "tsv: a timestamp" "$(out | cut -f2 | head -1)" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [+-][0-9]{4}$'
is "tsv: five columns" "$(out | awk -F'\t' '{print NF}' | sort -u)" 5

exits 0 "log of B" fq log -C repo --format tsv "$B"
is "... two entries" "$(out | cut -f5)" \
	"$(printf 'fq-note: %s 另一案件\nfq-new: %s 另一案件' "$B" "$B")"

exits 1 "an unknown case exits 1" fq log -C repo QSZ-2024-000999
like "... names it" "$(err)" QSZ-2024-000999
is "... nothing on stdout" "$(out)" ""
exits 2 "a bad ID exits 2" fq log -C repo ../../x
exits 2 "no ID exits 2" fq log -C repo
exits 2 "a bad --format exits 2" fq log -C repo --format json "$A"
exits 2 "an unknown option exits 2" fq log -C repo --oneline "$A"
is "log wrote nothing" "$(commits repo)" 9
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""

done_testing
