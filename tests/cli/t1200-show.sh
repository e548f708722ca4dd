#!/bin/sh
# fq show: one case, with its timeline; personal data masked.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
ID=$(new_case --accepted 2024-03-05 --mediator 张调解)
is "a case" "$ID" QSZ-2024-000001
F=repo/cases/2024/03/$ID.yaml
# An ID-card number, added by hand and committed with plain git.
sed -i 's/^  name: 王某甲$/&\n  id_number: "330102199001011234"/' "$F"
git -C repo -c user.name=手工 -c user.email=hand@example.org \
	commit -qam "add an ID number"
like "the file has the ID number" "$(cat "$F")" 'id_number: "?330102199001011234'
N=$(commits repo)

# --- text ---------------------------------------------------------------
exits 0 "show ID" fq show -C repo "$ID"
T=$(out)
like "first line: ID and title" "$(out | head -1)" \
	"^$ID +王某甲与王某乙宅基地纠纷$"
like "label 状态" "$T" '状态 +已受理'
like "category as its label" "$T" '房屋宅基地纠纷'
unlike "no category code in text" "$T" 'housing_homestead'
like "due date" "$T" '2024-04-07'
like "the mediator" "$T" '张调解'
like "parties heading 当事人" "$T" '当事人'
like "party role label and name" "$T" '申请人 +王某甲'
like "the phone masked" "$T" '138\*\*\*\*0001'
unlike "never the full phone" "$T" '13800000001'
like "the ID number masked" "$T" '3301\*{10}1234'
unlike "never the full ID number" "$T" '330102199001011234'
like "the timeline" "$T" '登记'
like "the timeline names the clerk" "$T" '李调解'
is "nothing on stderr" "$(err)" ""

exits 0 "--show-pii" fq show -C repo --show-pii "$ID"
like "... shows the phone" "$(out)" '13800000001'
like "... shows the ID number" "$(out)" '330102199001011234'

# --- yaml ---------------------------------------------------------------
exits 0 "--format yaml" fq show -C repo --format yaml "$ID"
Y=$(out)
like "yaml has the id" "$Y" "^id: $ID\$"
like "yaml has codes" "$Y" '^category: housing_homestead$'
like "yaml masks the phone" "$Y" '138\*\*\*\*0001'
unlike "yaml never has the full phone" "$Y" '13800000001'
unlike "yaml never has the full ID number" "$Y" '330102199001011234'
exits 0 "--format yaml --show-pii" fq show -C repo --format yaml --show-pii "$ID"
like "... full phone" "$(out)" '13800000001'
is "--show-pii yaml equals the file" "$(out)" "$(cat "$F")"

# --- json ---------------------------------------------------------------
exits 0 "--format json" fq show -C repo --format json "$ID"
J=$(out)
unlike "json never has the full phone" "$J" '13800000001'
unlike "json never has the full ID number" "$J" '330102199001011234'
R=$(printf '%s' "$J" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, dict), "not one object"
for k in ("id", "status", "category", "risk_color", "accepted_on", "due_on",
          "title", "summary", "parties", "events"):
    assert k in d, "missing key " + k
assert d["id"] == "QSZ-2024-000001", d["id"]
assert d["status"] == "accepted", d["status"]
assert d["category"] == "housing_homestead", d["category"]
assert d["risk_color"] == "blue", d["risk_color"]
assert d["accepted_on"] == "2024-03-05"
assert d["due_on"] == "2024-04-07", d["due_on"]
assert d["parties"][0]["name"] == "王某甲"
assert d["parties"][0]["role"] == "applicant"
assert d["parties"][0]["phones"] == ["138****0001"], d["parties"][0]["phones"]
assert d["parties"][0]["id_number"] == "3301**********1234"
assert d["mediators"] == ["张调解"]
assert d["events"][0]["kind"] == "intake"
print("good")
' 2>&1)
is "json is one object of the case file's keys, codes, masked" "$R" good
exits 0 "--format json --show-pii" fq show -C repo --format json --show-pii "$ID"
is "... full phone in json" "$(out | python3 -c '
import json, sys; print(json.load(sys.stdin)["parties"][0]["phones"][0])')" \
	13800000001

# Text that needs escaping survives JSON, and a landline is masked too.
SUM=$(printf '第一行\n第二行\t制表 \\ 反斜杠 "引号"')
ID2=$(fq new -C repo --title 'a\b"c' --category lljf --summary "$SUM" \
	--party '赵某:申请人:0571-88886666')
exits 0 "json of a case with quotes, backslashes, tabs, newlines" \
	fq show -C repo --format json "$ID2"
out >special.json
is "... the summary round-trips" "$(python3 -c '
import json, sys; print(json.load(open(sys.argv[1]))["summary"])' special.json)" "$SUM"
is "... the title round-trips" "$(python3 -c '
import json, sys; print(json.load(open(sys.argv[1]))["title"])' special.json)" 'a\b"c'
is "... the landline masked" "$(python3 -c '
import json, sys; print(json.load(open(sys.argv[1]))["parties"][0]["phones"][0])' \
	special.json)" '0571-****6666'
exits 0 "text of that case" fq show -C repo "$ID2"
unlike "... never the full landline" "$(out)" '88886666'
N=$(commits repo)

# --- from inside the repository -------------------------------------------
exits 0 "show from a subdirectory of the repository" \
	sh -c "cd repo/cases/2024 && fq show $ID"
like "... finds the case" "$(out)" "^$ID "

# --- errors -------------------------------------------------------------
exits 1 "an unknown ID exits 1" fq show -C repo QSZ-2024-000999
like "... says no such case" "$(err)" 'QSZ-2024-000999'
is "... nothing on stdout" "$(out)" ""
exits 1 "an ID of another unit exits 1" fq show -C repo XYZ-2024-000001
for bad in ../../x ../../../etc/passwd qsz-2024-000001 QSZ-2024-1 \
	QSZ-24-000001 "QSZ-2024-000001/../x" "cases/2024/03/$ID.yaml" \
	"$ID.yaml" "Q-2024-000001" ''; do
	exits 2 "a bad ID '$bad' exits 2" fq show -C repo "$bad"
	is "... nothing on stdout" "$(out)" ""
done
like "... says what an ID looks like" "$(err)" 'ID'
exits 2 "a bad --format exits 2" fq show -C repo --format xml "$ID"
like "... names the formats" "$(err)" 'text.*yaml.*json'
exits 2 "no ID exits 2" fq show -C repo
like "... usage on stderr" "$(err)" 'usage: '
exits 2 "two IDs exit 2" fq show -C repo "$ID" "$ID"
exits 2 "an unknown option exits 2" fq show -C repo --pii "$ID"
is "show wrote nothing" "$(commits repo)" "$N"
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""

# --- the agreement, the visits and the 司法确认 in the text ----------------
G=$(TITLE=协议纠纷 new_case --mediator 李调解)
fq -C repo mediate "$G" >/dev/null
fq -C repo agree "$G" --form written --number （2024）青人调协字第1号 \
	--effective 2024-03-18 --amount 800 --perform by:2024-04-30 >/dev/null
exits 0 "show an agreed case" fq show -C repo "$G"
unlike "... no visits section yet" "$(out)" "^Visits 回访"
like "... an agreement section" "$(out)" "^Agreement 调解协议\$"
like "... form, number, date, amount and performance" "$(out)" \
	"^  书面 +（2024）青人调协字第1号 +生效 2024-03-18 +金额 800\\.00元 +履行 2024-04-30前 +待履行\$"
fq -C repo visit "$G" --method phone --satisfaction satisfied --note 正在履行 >/dev/null
fq -C repo confirm "$G" --applied 2024-03-20 --court 青山人民法庭 >/dev/null
exits 0 "show after a visit and a 司法确认" fq show -C repo "$G"
like "... a visits section" "$(out)" "^Visits 回访\$"
like "... the visit" "$(out)" "^  2024-03-20 +电话 +满意 +李调解 +正在履行\$"
like "... a confirmations section" "$(out)" "^Confirmations 司法确认\$"
like "... the application" "$(out)" "^  2024-03-20 申请 +青山人民法庭\$"

done_testing
