#!/bin/sh
# fq import's bulk commit into a repository that has cases already: the
# tree built from the sorted paths and git's index merged in one pass
# (lib/store.c, lib/gitindex.c) must be what git itself would have: the
# index entries those of HEAD, nothing staged, status clean, fsck clean.
. "$(dirname "$0")/lib.sh"
exec </dev/null

export FQ_TODAY=2024-06-30
H='序号,受理日期,当事人,纠纷类型,纠纷简要情况,调解结果,结案日期'

# rows FROM TO MONTH TEXT [open]: ledger rows FROM..TO dated 2024-MONTH-01,
# mediated (closed on the 20th) unless open
rows() {
	awk -v a="$1" -v b="$2" -v m="$3" -v t="$4" -v open="${5:-}" 'BEGIN {
		r = open ? "," : "调解成功,2024-" m "-20"
		for (i = a; i <= b; i++)
			printf "%d,2024-%s-01,当事人%d,邻里纠纷,%s,%s\n",
				i, m, i, t, r }'
}

# agree WHEN: git and fq agree with HEAD after an import
agree() {
	is "$1: git status clean" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
	is "$1: nothing staged" "$(git -C repo diff --cached --name-only)" ""
	is "$1: the index entries are HEAD's" \
		"$(git -C repo ls-files -s | awk '{ print $1, $2, $4 }')" \
		"$(git -C repo ls-tree -r HEAD | awk '{ print $1, $3, $4 }')"
	is "$1: the index's tree is HEAD's" "$(git -C repo write-tree)" \
		"$(git -C repo rev-parse 'HEAD^{tree}')"
	ok "$1: git fsck --strict" git -C repo fsck --strict --no-dangling
	ok "$1: fq check" fq check -C repo
	ok "$1: the index was merged, not rewritten by libgit2" \
		test -f repo/.git/fq/gitindex
	rm -f repo/.git/fq/gitindex
}

make_repo
{ echo "$H"; rows 1 150 03 噪音; rows 151 200 04 噪音 open; } >first.csv
exits 0 "200 cases in two months" fq import -C repo first.csv
agree "into a new repository"
is "... 200 cases" "$(git -C repo ls-files cases | grep -c '\.yaml$')" 200

# new cases beside old ones (03, 04 exist), in a new month (05), and
# open cases re-listed as mediated (updated in place)
{ echo "$H"; rows 151 200 04 噪音; rows 201 320 03 漏水;
	rows 321 400 05 漏水; } >second.csv
exits 0 "a second ledger: 200 new, 50 updated" fq import -C repo second.csv
like "... says so" "$(err)" "200 new, 50 updated"
agree "into a repository with cases"
is "... 400 cases" "$(git -C repo ls-files cases | grep -c '\.yaml$')" 400
is "... in three months" "$(git -C repo ls-tree --name-only HEAD cases/2024/ | tr '\n' ' ')" \
	"cases/2024/03 cases/2024/04 cases/2024/05 "
is "... one commit each" "$(commits repo)" 3

# index version 4 (paths stored as prefixes): merged as well (a second
# later, or all the entries would be as new as the index git writes:
# "racily clean", each to be checked, and more than the merge checks)
sleep 1
git -C repo update-index --index-version 2	# (each rewrites it)
git -C repo update-index --index-version 4
{ echo "$H"; rows 401 480 05 争吵; rows 481 560 06 争吵; } >third.csv
exits 0 "a third ledger into an index of version 4" fq import -C repo third.csv
agree "index version 4"
is "... still version 4" "$(od -An -tu1 -j7 -N1 repo/.git/index | tr -d ' ')" 4
is "... 560 cases" "$(git -C repo ls-files cases | grep -c '\.yaml$')" 560

done_testing
