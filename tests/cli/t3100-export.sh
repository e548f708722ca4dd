#!/bin/sh
# fq export: cases out as CSV, JSON or YAML; an export imports back.
. "$(dirname "$0")/lib.sh"
exec </dev/null

D="$FQ_SOURCE_DIR/tests/data/import"
export FQ_TODAY=2024-04-20

make_repo
exits 0 "--help" fq export --help
like "usage" "$(out)" '^usage: fq-export \[-C DIR\]'
exits 2 "bad format" fq export -C repo --format xml
exits 2 "bad filter" fq export -C repo status:nosuch
exits 2 "--bom without csv" fq export -C repo --format json --bom

exits 0 "empty repository" fq export -C repo
is "only the header" "$(out | wc -l | tr -d ' ')" 1
like "header fq import maps" "$(out)" '^fq编号,案件编号,受理日期,排查日期,纠纷名称,纠纷类型'
exits 0 "empty json" fq export -C repo --format json
is "empty array" "$(out)" "[]"

exits 0 "import ledgers" fq import -C repo "$D/a-register.csv" "$D/b-zongzhi.csv" \
	"$D/c-system.csv" "$D/d-archive.csv" "$D/results.csv" "$D/parties.csv" \
	"$D/amounts.csv" "$D/colors.csv" "$D/phones.csv"
N=$(find repo/cases -name '*.yaml' | wc -l | tr -d ' ')

# --- CSV, masked ------------------------------------------------------------
exits 0 "csv export" fq export -C repo
C=$(out)
like "says numbers are masked" "$(err)" 'masked'
like "phones masked" "$C" '138\*\*\*\*0001'
unlike "no full phone number" "$C" '13800000001'
unlike "no full ID number" "$C" '11010519491231002X'
like "labels, not codes" "$C" ',房屋宅基地纠纷,'
like "continuation row for the second party" "$C" '^,,,,,,,,被申请人：王某乙,男,49,'
is "CRLF line ends (RFC 4180)" "$(out | head -1 | tail -c 2 | od -An -tx1 | tr -d ' ')" 0d0a
exits 0 "--show-pii" fq export -C repo --show-pii
like "full numbers with --show-pii" "$(out)" '13800000001'
unlike "no BOM by default" "$(out | head -c 3 | od -An -tx1)" 'ef bb bf'
exits 0 "--bom" fq export -C repo --bom -o bom.csv
is "BOM for Excel" "$(head -c 3 bom.csv | od -An -tx1 | tr -d ' ')" efbbbf
is "nothing on stdout with -o" "$(out)" ""

# --- filters as fq list ----------------------------------------------------
exits 0 "filter" fq export -C repo status:mediating --format json
J=$(out)
is "only mediating cases" "$(printf "%s\n" "$J" | grep -o '"status":"[a-z_]*"' | sort -u)" '"status":"mediating"'
is "as many as fq list says" "$(printf "%s\n" "$J" | grep -c '^{"id":')" \
	"$(fq list -C repo status:mediating --format json | grep -c '"id": *"')"
exits 0 "json of all" fq export -C repo --format json
is "json: every case, one per line" "$(out | grep -c '^{"id":"QSZ-')" "$N"
like "json: keys of the case file" "$(out | sed -n 2p)" '^\{"id":"QSZ-2024-000001","title":.*"status":"closed",.*"category":"housing_homestead",.*"parties":\[\{"role":"applicant"'
is "json: ends the array" "$(out | tail -1)" "]"
unlike "json masked too" "$(out)" '13800000001'
exits 0 "yaml" fq export -C repo --format yaml category:neighbor
like "yaml is a list of cases" "$(out | head -1)" '^- id: QSZ-'

# --- round trip -----------------------------------------------------------
exits 0 "export with pii" fq export -C repo --show-pii -o all.csv
make_repo repo2
exits 0 "import the export into a fresh repository" fq import -C repo2 all.csv
is "as many cases" "$(find repo2/cases -name '*.yaml' | wc -l | tr -d ' ')" "$N"
is "same IDs" "$(cd repo2/cases && find . -name '*.yaml' | sort)" "$(cd repo/cases && find . -name '*.yaml' | sort)"
exits 0 "export again" fq export -C repo2 --show-pii -o again.csv
is "the second export equals the first" "$(md5sum <again.csv)" "$(md5sum <all.csv)"
body() { sed -n '1,/^events:/p' "$1" | grep -v '^created_at\|^updated_at\|^imported_from\|^visits\|^- "on"\|^  method\|^  satisfaction\|^  note: .*回访\|^  ethnicity\|^  amount:'; }
same=0
for f in $(cd repo/cases && find . -name '*.yaml'); do
	[ "$(body repo/cases/$f)" = "$(body repo2/cases/$f)" ] || { same=1; echo "# differs: $f"; }
done
is "every case file the same (but provenance, timestamps, visits)" $same 0
ok "fq check passes" fq check -C repo2
exits 0 "re-importing the export into the first repository changes nothing" fq import -C repo all.csv
like "no commit" "$(err)" 'nothing changed: no commit'

done_testing
