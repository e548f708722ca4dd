#!/bin/sh
# fq list: filters, formats, alignment.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo

# --- an empty repository --------------------------------------------------
exits 0 "list in an empty repository" fq list -C repo
is "... only the header" "$(out | wc -l | tr -d ' ')" 1
like "... the header" "$(out)" '^ID +状态 +类别'
exits 0 "json in an empty repository" fq list -C repo --format json
is "... []" "$(out)" "[]"
exits 0 "tsv in an empty repository" fq list -C repo --format tsv
is "... only the header" "$(out)" \
	"$(printf 'id\tstatus\toutcome\tcategory\trisk_color\taccepted_on\tdue_on\ttitle\tsource\treported_on\tvillage\tmediators')"
exits 0 "csv in an empty repository" fq list -C repo --format csv
is "... one line" "$(out | wc -l | tr -d ' ')" 1
exits 0 "a filter in an empty repository" fq list -C repo status:accepted \
	--format json
is "... []" "$(out)" "[]"

# --- five cases ---------------------------------------------------------
A=$(new_case --accepted 2024-03-05 --mediator 张调解)
B=$(fq new -C repo --title '楼上噪音, 楼下投诉' --category neighbor \
	--summary 深夜噪音扰民 --party 赵某 --accepted 2024-02-10 --risk red \
	--plan 每周回访 --lead 王镇长 --mediator 李调解员 --source grid_report \
	--village 东村)
C=$(fq new -C repo --title '欠款纠纷"三万"' --category contract \
	--summary 拖欠货款三万元 --party 钱某 --accepted 2024-01-15 \
	--risk yellow --plan 督促还款 --lead 王镇长 --source 公安)
D=$(fq new -C repo --reported --reported-on 2024-03-18 --category lljf \
	--summary 排查发现邻里矛盾 --title 排查)
E=$(fq new -C repo --title 山林界址 --category land_forest \
	--summary 山林界址不清 --party 孙某 --accepted 2023-12-30)
is "five cases" "$A $B $C $D $E" \
	"QSZ-2024-000001 QSZ-2024-000002 QSZ-2024-000003 QSZ-2024-000004 QSZ-2023-000001"

ids() {	# the IDs fq list prints for these filters, space-separated
	fq list -C repo --format tsv "$@" | sed 1d | cut -f1 | tr '\n' ' ' |
		sed 's/ $//'
}

# --- overdue (before C is closed) ------------------------------------------
# due: A 2024-04-07, B 2024-03-11, C 2024-02-18, E 2024-01-30.
is "overdue on 2024-03-20" "$(ids overdue)" "$E $B $C"
is "overdue on 2024-04-07 (due today is not overdue)" \
	"$(FQ_TODAY=2024-04-07 ids overdue)" "$E $B $C $D"
is "overdue on 2024-04-08" "$(FQ_TODAY=2024-04-08 ids overdue)" \
	"$E $A $B $C $D"
is "nothing overdue on 2024-01-20" "$(FQ_TODAY=2024-01-20 ids overdue)" ""

# Close C by hand (no fq close yet), committed with plain git.
sed -i 's/^status: accepted$/status: closed\noutcome: mediated_oral\nclosed_on: 2024-03-15/' \
	repo/cases/2024/01/"$C".yaml
git -C repo -c user.name=手工 -c user.email=hand@example.org \
	commit -qam "close $C by hand"
is "C is closed" "$(grep -c '^status: closed' repo/cases/2024/01/"$C".yaml)" 1
is "a closed case is not overdue" "$(ids overdue)" "$E $B"

# --- filters ---------------------------------------------------------------
is "no filter: all, by ID" "$(ids)" "$E $A $B $C $D"
is "status:accepted" "$(ids status:accepted)" "$E $A $B"
is "status by label 已受理" "$(ids status:已受理)" "$E $A $B"
is "status:reported" "$(ids status:reported)" "$D"
is "status:closed" "$(ids status:closed)" "$C"
is "comma is OR: status:reported,closed" "$(ids status:reported,closed)" "$C $D"
is "outcome:mediated_oral" "$(ids outcome:mediated_oral)" "$C"
is "outcome by label" "$(ids 'outcome:调解成功（口头协议）')" "$C"
is "outcome:failed matches nothing" "$(ids outcome:failed)" ""
is "category:neighbor" "$(ids category:neighbor)" "$B $D"
is "category by label 邻里纠纷" "$(ids category:邻里纠纷)" "$B $D"
is "category by pinyin lljf" "$(ids category:lljf)" "$B $D"
is "category by alias 宅基地" "$(ids category:宅基地)" "$A"
is "category:neighbor,contract" "$(ids category:neighbor,contract)" "$B $C $D"
is "risk:red" "$(ids risk:red)" "$B"
is "risk by label 红" "$(ids risk:红)" "$B"
is "risk:red,yellow" "$(ids risk:red,yellow)" "$B $C"
is "risk:blue" "$(ids risk:blue)" "$E $A $D"
is "source:grid_report" "$(ids source:grid_report)" "$B"
is "source by alias 公安" "$(ids source:公安)" "$C"
is "source:screening" "$(ids source:screening)" "$D"
is "source:application" "$(ids source:application)" "$E $A"
is "mediator:张调解" "$(ids mediator:张调解)" "$A"
is "mediator:李调解员" "$(ids mediator:李调解员)" "$B"
is "mediator: exact name, not a substring" "$(ids mediator:李调解)" ""
is "month:2024-03 (accepted, or reported)" "$(ids month:2024-03)" "$A $D"
is "month:2024-02" "$(ids month:2024-02)" "$B"
is "month:2023-12" "$(ids month:2023-12)" "$E"
is "month:2024-04 matches nothing" "$(ids month:2024-04)" ""
is "accepted:FROM..TO" "$(ids accepted:2024-01-01..2024-02-29)" "$B $C"
is "accepted: bounds are inclusive" \
	"$(ids accepted:2024-01-15..2024-02-10)" "$B $C"
is "accepted:FROM.." "$(ids accepted:2024-02-11..)" "$A"
is "accepted:..TO" "$(ids accepted:..2023-12-31)" "$E"
is "accepted:DAY" "$(ids accepted:2024-03-05)" "$A"
is "text:滴水檐 (Chinese substring of the summary)" "$(ids text:滴水檐)" "$A"
is "text:货款" "$(ids text:货款)" "$C"
is "text: matches the title" "$(ids text:楼下投诉)" "$B"
is "text: no match" "$(ids text:没有这个词)" ""
is "filters are ANDed: category:neighbor status:accepted" \
	"$(ids category:neighbor status:accepted)" "$B"
is "ANDed: risk:blue source:application month:2024-03" \
	"$(ids risk:blue source:application month:2024-03)" "$A"
is "ANDed: overdue risk:red" "$(ids overdue risk:red)" "$B"
is "ANDed with OR: status:accepted,reported category:neighbor" \
	"$(ids status:accepted,reported category:neighbor)" "$B $D"
is "ANDed to nothing" "$(ids risk:red status:closed)" ""

# --- bad filters: exit 2 -------------------------------------------------
exits 2 "an unknown filter key exits 2" fq list -C repo colour:red
like "... names the key" "$(err)" "colour"
is "... nothing on stdout" "$(out)" ""
exits 2 "an unknown status code exits 2" fq list -C repo status:bogus
like "... names the value" "$(err)" "bogus"
exits 2 "an unknown category exits 2" fq list -C repo category:nosuch
exits 2 "an unknown code in a comma list exits 2" fq list -C repo risk:red,purple
like "... names it" "$(err)" "purple"
exits 2 "a bad month exits 2" fq list -C repo month:2024-13
exits 2 "month with a day exits 2" fq list -C repo month:2024-03-01
exits 2 "a bad date range exits 2" fq list -C repo accepted:2024-02-30..
exits 2 "an empty range exits 2" fq list -C repo accepted:..
exits 2 "a filter with no value exits 2" fq list -C repo status:
exits 2 "a word that is not a filter exits 2" fq list -C repo overdu
exits 2 "a bad --format exits 2" fq list -C repo --format xml
exits 2 "an unknown option exits 2" fq list -C repo --sort

# --- table: lines up by display width --------------------------------------
exits 0 "table" fq list -C repo
out >table.txt
is "header plus five rows" "$(wc -l <table.txt | tr -d ' ')" 6
like "labels, not codes" "$(cat table.txt)" '^QSZ-2024-000002 +已受理 +邻里纠纷 +红 +2024-02-10'
unlike "no codes in the table" "$(cat table.txt)" 'neighbor|accepted|housing'
unlike "no colour when not a terminal" "$(cat table.txt)" "$(printf '\033')"
unlike "no trailing blanks" "$(cat table.txt)" ' $'
R=$(python3 - table.txt <<'EOF'
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
def starts(line):
    # display column where each field (runs separated by 2+ blanks) begins
    return [cols(line[:m.start()]) for m in re.finditer(r"(?:(?<=  )|^)\S", line)]
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = starts(lines[0])
if len(head) != 7:
    print("header has %d columns: %r" % (len(head), lines[0])); sys.exit()
bad = []
for l in lines[1:]:
    s = starts(l)
    if s[1] != head[1]:
        bad.append("状态 at %d, not %d: %s" % (s[1], head[1], l))
    if not set(s) <= set(head):
        bad.append("fields at %r, header at %r: %s" % (s, head, l))
    if len(s) == 7 and s != head:
        bad.append("fields at %r, header at %r: %s" % (s, head, l))
print("\n".join(bad) or "aligned")
EOF
)
is "every column starts at the header's display column" "$R" aligned

# --- tsv -----------------------------------------------------------------
exits 0 "--format tsv" fq list -C repo --format tsv
like "tsv header" "$(out | head -1)" \
	"^id	status	outcome	category	risk_color	accepted_on	due_on	title"
is "tsv: header plus five rows" "$(out | wc -l | tr -d ' ')" 6
like "tsv rows are codes" "$(out)" \
	"^$B	accepted		neighbor	red	2024-02-10	2024-03-11	楼上噪音, 楼下投诉	grid_report"
like "tsv: the closed case has its outcome" "$(out)" \
	"^$C	closed	mediated_oral	contract	yellow	"
unlike "tsv has no CR" "$(out)" "$(printf '\r')"

# --- csv -----------------------------------------------------------------
fq list -C repo --format csv >list.csv
is "csv: every line ends in CRLF" \
	"$(grep -c "$(printf '\r')\$" list.csv)" "$(wc -l <list.csv | tr -d ' ')"
is "csv: header plus five rows" "$(wc -l <list.csv | tr -d ' ')" 6
like "csv header" "$(head -1 list.csv)" \
	'^id,status,outcome,category,risk_color,accepted_on,due_on,title'
like "a title with a comma is quoted" "$(cat list.csv)" '"楼上噪音, 楼下投诉"'
like "a quote inside is doubled" "$(cat list.csv)" '"欠款纠纷""三万"""'
R=$(python3 - list.csv <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
t = {r["id"]: r["title"] for r in rows}
ok = (len(rows) == 5 and t["QSZ-2024-000002"] == "楼上噪音, 楼下投诉"
      and t["QSZ-2024-000003"] == '欠款纠纷"三万"'
      and rows[0]["category"] == "land_forest")
print("good" if ok else repr(rows))
EOF
)
is "csv parses back (RFC 4180)" "$R" good
is "no BOM without --bom" "$(head -c 3 list.csv | od -An -tx1 | tr -d ' ')" \
	"$(printf 'id,' | od -An -tx1 | tr -d ' ')"
fq list -C repo --format csv --bom >bom.csv
is "--bom adds EF BB BF" "$(head -c 3 bom.csv | od -An -tx1 | tr -d ' ')" efbbbf
is "... and then the same CSV" "$(tail -c +4 bom.csv)" "$(cat list.csv)"
exits 0 "csv with a filter" fq list -C repo --format csv risk:red
is "... header and one row" "$(out | wc -l | tr -d ' ')" 2

# --- json ----------------------------------------------------------------
exits 0 "--format json" fq list -C repo --format json
R=$(out | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, list) and len(d) == 5, d
for r in d:
    for k in ("id", "status", "outcome", "category", "risk_color",
              "accepted_on", "due_on", "title"):
        assert k in r, "missing " + k
by = {r["id"]: r for r in d}
b = by["QSZ-2024-000002"]
assert b["status"] == "accepted" and b["category"] == "neighbor", b
assert b["risk_color"] == "red" and b["accepted_on"] == "2024-02-10", b
assert b["due_on"] == "2024-03-11" and b["title"] == "楼上噪音, 楼下投诉", b
assert b["outcome"] is None, b
assert by["QSZ-2024-000003"]["outcome"] == "mediated_oral"
assert by["QSZ-2024-000003"]["title"] == "欠款纠纷\"三万\""
assert by["QSZ-2024-000004"]["accepted_on"] is None
assert by["QSZ-2024-000004"]["status"] == "reported"
print("good")
' 2>&1)
is "json: an array of objects with codes" "$R" good
exits 0 "json with a filter" fq list -C repo --format json category:邻里纠纷
is "... the two neighbour cases" "$(out | python3 -c '
import json, sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))')" \
	"$B $D"

# --- colour only on a terminal, never with NO_COLOR ------------------------
if command -v script >/dev/null 2>&1; then
	script -qec "fq list -C repo risk:red" /dev/null >tty.out 2>&1
	like "on a terminal a red case is red" "$(cat tty.out)" \
		"$(printf '\033')\\[31m"
	NO_COLOR=1 script -qec "fq list -C repo risk:red" /dev/null >tty.out 2>&1
	unlike "... not with NO_COLOR" "$(cat tty.out)" "$(printf '\033')"
else
	_n=$((_n + 1)); echo "ok $_n - # SKIP script(1) not installed"
	_n=$((_n + 1)); echo "ok $_n - # SKIP script(1) not installed"
fi

is "list wrote nothing" "$(git -C repo status --porcelain)" ""

done_testing
