#!/bin/sh
# git's index over 1 MiB: an update that adds an entry hashes all of it
# again (the count in the header changes), on a thread of its own beside
# the commit (lib/gitindex.c); the index must come out whole, with the
# right checksum, however the two finish.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
# 14,000 small files: an index of about 1.1 MiB in version 2 (fq init
# makes version 4, where it would be smaller)
git -C repo config index.version 2
git -C repo update-index --index-version 2
python3 -c 'import os, sys
os.makedirs(sys.argv[1], exist_ok=True)
for i in range(14000):
    open(os.path.join(sys.argv[1], "f%05d.txt" % i), "w").write("%d\n" % i)' \
	repo/bulk
ok "git add of 14,000 files" git -C repo add bulk
git -C repo -c user.name=用户 -c user.email=u@example.org commit -q -m bulk
ok "... the index is over 1 MiB" test "$(wc -c <repo/.git/index)" -gt 1048576

sum_ok() {
	python3 -c 'import hashlib, sys
d = open(sys.argv[1], "rb").read()
print("sum-ok" if hashlib.sha1(d[:-20]).digest() == d[-20:] else "sum-BAD")' \
		repo/.git/index
}
clean() {
	is "$1: the index's checksum is right" "$(sum_ok)" sum-ok
	is "$1: git status is clean" \
		"$(git -C repo status --porcelain --untracked-files=no)" ""
	ok "$1: nothing staged" git -C repo diff --cached --quiet
	is "$1: git ls-files is HEAD" \
		"$(git -C repo ls-files -s | awk '{ print $2, $4 }')" \
		"$(git -C repo ls-tree -r HEAD | awk '{ print $3, $4 }')"
	ok "$1: fq check (libgit2 reads it too)" fq check -C repo
}

A=$(new_case --accepted 2024-03-05)
ok "fq new (libgit2 or the splice: no cache yet)" test -n "$A"
clean "first fq new"
for i in 1 2 3; do
	ok "fq new $i (the splice, from the cache: hashed on a thread)" \
		sh -c 'new_id=$(fq new -C repo --title 大 --category lljf \
			--summary x --party 甲) && test -n "$new_id"'
	ok "... spliced (the cache is there)" test -s repo/.git/fq/gitindex
	clean "fq new $i"
done
ok "fq note (a changed entry near the end: hashed in line)" \
	fq note -C repo "$A" 记录
clean "fq note"
# a commit failing after the plan: the hashing thread is waited for
N=$(git -C repo rev-list --count HEAD)
exits 1 "fq new failing before its commit (no space)" env \
	FQ_FAULT=enospc:before-commit fq new -C repo --title 大 --category lljf \
	--summary x --party 甲
is "... no commit" "$(git -C repo rev-list --count HEAD)" "$N"
ok "... and no index.lock is left" test ! -e repo/.git/index.lock
git -C repo status --porcelain --untracked-files=no >/dev/null
ok "the next fq new" sh -c 'fq new -C repo --title 大 --category lljf \
	--summary x --party 甲 >/dev/null'
clean "after the failed commit"

done_testing
