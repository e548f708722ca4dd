#!/bin/sh
# fq import on two threads (the file read on one, the records matched and
# written on the other) gives the same bytes as on one thread
# (FQ_IMPORT_THREADS=1): the same repository trees, stdout, stderr, exit
# codes and rejects files, for UTF-8 and GB18030 ledgers, --skip-bad,
# flagged cells, possible duplicates, re-imports that update cases, a
# dry run and the errors that stop an import.
. "$(dirname "$0")/lib.sh"
exec </dev/null

D="$FQ_SOURCE_DIR/tests/data/import"
# the time pinned too: the cases' timestamps are the same in both runs
export FQ_TODAY=2024-04-20T10:00:00+08:00

# A generated ledger of 1500 records (600 under valgrind: more than the
# 256 the queue between the threads holds, either way): dates without a
# year, phone numbers Excel spoiled, 同上, continuation rows, bad dates
# and records that re-list others a day or two apart (possible
# duplicates).
N=1500
[ -z "$FQ_VG" ] || N=600
awk -v n=$N 'BEGIN {
	print "青山镇2024年矛盾纠纷排查化解台账"
	print "序号,受理日期,当事人,联系电话,纠纷类型,纠纷简要情况,化解情况"
	for (i = 1; i <= n; i++) {
		d = i % 28 + 1
		if (i % 101 == 0)
			printf "%d,2024.13.%d,甲%d,,邻里纠纷,噪音,\n", i, d, i
		else if (i % 53 == 0)
			printf "%d,3月%d日,甲%d,,同上,重复登记,调解成功\n", i,
				(i - 1) % 28 + 2, i - 1
		else if (i % 37 == 0)
			printf "%d,3月%d日,申请人：乙%d,1.38E+10,婚姻家庭,赡养,持续跟进\n,,被申请人：丙%d,13800000002,,,\n",
				i, d, i, i
		else
			printf "%d,3月%d日,甲%d,1380000%04d,%s,第%d号,%s\n", i, d,
				i, i, i % 3 ? "邻里纠纷" : "土地纠纷", i,
				i % 5 ? "调解中" : "调解成功（口头）"
	}
	print "合计," n "件"
}' >many.csv

mkdir -p t 1
for m in t 1; do
	fq init $m/repo --unit QSZ --name 青山镇人民调解委员会 --town 青山镇 >/dev/null
	cp "$D"/*.csv many.csv $m/
	mkdir $m/gb
	for f in a-register b-zongzhi d-archive; do
		iconv -f UTF-8 -t GB18030 "$D/$f.csv" >$m/gb/$f.csv
	done
	tail -c +4 "$D/c-system.csv" | iconv -f UTF-8 -t GB18030 >$m/gb/c-system.csv
	iconv -f UTF-8 -t GB18030 "$D/dates-bad.csv" >$m/gb/bad.csv
done

# both DESCRIPTION CODE ARGS...: fq import ARGS in t/ (threads) and 1/
# (FQ_IMPORT_THREADS=1), each with its repo; both exit CODE and print the
# same, and their HEADs hold the same tree.
both() {
	_d=$1 _code=$2
	shift 2
	(cd t && env -u FQ_IMPORT_THREADS fq import -C repo "$@" >../t.out 2>../t.err
		echo $? >../t.rc)
	(cd 1 && FQ_IMPORT_THREADS=1 fq import -C repo "$@" >../1.out 2>../1.err
		echo $? >../1.rc)
	is "$_d: exit $_code with threads" "$(cat t.rc)" "$_code"
	is "$_d: exit $_code on one thread" "$(cat 1.rc)" "$_code"
	ok "$_d: the same stdout" cmp t.out 1.out
	ok "$_d: the same stderr" cmp t.err 1.err
	is "$_d: the same tree" "$(git -C t/repo rev-parse HEAD^{tree})" \
		"$(git -C 1/repo rev-parse HEAD^{tree})"
	is "$_d: the same commit message" "$(git -C t/repo log -1 --format=%B)" \
		"$(git -C 1/repo log -1 --format=%B)"
}

both "UTF-8 ledgers and a large one" 65 a-register.csv b-zongzhi.csv \
	c-system.csv d-archive.csv many.csv
like "... with bad rows" "$(cat t.err)" "many.csv:[0-9]+: accepted_on: invalid date '2024\.13\.18'"
like "... with flagged cells" "$(cat t.err)" 'and [0-9]+ more flagged cells'
like "... and possible duplicates" "$(cat t.err)" 'possible duplicate of QSZ-2024-'
is "... bad rows: nothing imported without --skip-bad" "$(commits t/repo)" 1
both "--skip-bad" 0 --skip-bad a-register.csv b-zongzhi.csv c-system.csv \
	d-archive.csv many.csv
is "... one commit" "$(commits t/repo)" 2
like "... which imported" "$(cat t.err)" 'committed [0-9]+ cases in one commit'
ok "... the same rejects file" cmp t/many.csv.rejects.csv 1/many.csv.rejects.csv
like "... which holds the bad rows" "$(cat t/many.csv.rejects.csv)" '^101,2024\.13\.'
is "... and the same cases in the working trees" "$(diff -r t/repo/cases 1/repo/cases && echo same)" same

both "GB18030 ledgers re-list the cases, bad rows skipped" 0 --skip-bad \
	gb/a-register.csv gb/b-zongzhi.csv gb/c-system.csv gb/d-archive.csv \
	gb/bad.csv
ok "... the same GB18030 rejects" cmp t/gb/bad.csv.rejects.csv 1/gb/bad.csv.rejects.csv
like "... GB18030 reported" "$(cat t.err)" 'encoding GB18030'

both "a month's ledger" 0 month1.csv
both "the next month's re-lists and updates" 0 month2.csv dates.csv results.csv
like "... updates cases" "$(cat t.out)" '^update	'
both "the large one again changes nothing" 0 --skip-bad many.csv
like "... says so" "$(cat t.err)" 'nothing changed: no commit'
is "... every record the same" "$(grep -c '^same' t.out)" "$(grep -c '^same' 1.out)"
both "a dry run" 0 --dry-run --skip-bad layout.csv parties.csv phones.csv \
	amounts.csv categories.csv colors.csv inconsistent.csv
is "... writes nothing" "$(commits t/repo)" "$(commits 1/repo)"
both "bad rows without --skip-bad" 65 a-register.csv dates-bad.csv many.csv
like "... nothing imported" "$(cat t.err)" 'bad records: nothing imported'

# An error in the callback (the 65th year of case numbers) stops the
# reading: the same messages, nothing written.
{ echo '序号,受理日期,当事人,纠纷类型,纠纷简要情况'
  for y in $(seq 1950 2024); do echo "$y,$y-03-01,张$y,邻里纠纷,噪音"; done
  awk 'BEGIN { for (i = 1; i <= 600; i++) printf "%d,2024-03-01,李%d,邻里纠纷,噪音\n", i, i }'
} >years.csv
cp years.csv t/
cp years.csv 1/
H=$(git -C t/repo rev-parse HEAD)
both "an error in the middle" 1 years.csv
like "... named" "$(cat t.err)" 'too many years in one import'
is "... nothing written" "$(git -C t/repo rev-parse HEAD)" "$H"
is "... working tree clean" "$(git -C t/repo status --porcelain --untracked-files=all)" ""
is "... all the same" "$(diff -r -x .git t/repo 1/repo && echo same)" same

done_testing
