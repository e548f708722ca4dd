#!/bin/sh
# Crashes: writers killed with SIGKILL at each point of the write path
# (FQ_FAULT, lib/fault.c), and a full disk.  After each kill, fq check
# passes or fq check --repair brings the repository back: every case a
# command reported saved is there, nothing is duplicated, no temporary
# file is left, the lock is free (the next writer succeeds at once).
. "$(dirname "$0")/lib.sh"
exec </dev/null

POINTS="write before-rename after-rename before-commit after-commit"
LOCK=repo/.git/fq/lock
make_repo
A=$(new_case)
SAVED="$A"		# IDs of cases fq reported saved
NOTES=""		# notes fq reported saved, as ID=TEXT
kills=0

saved_all_there() {	# every case and note reported saved is in HEAD
	_miss=
	for _id in $SAVED; do
		git -C repo cat-file -e "HEAD:cases/2024/03/$_id.yaml" 2>/dev/null ||
			_miss="$_miss $_id"
	done
	for _n in $NOTES; do
		git -C repo show "HEAD:cases/2024/03/${_n%%=*}.yaml" |
			grep -q "${_n#*=}" || _miss="$_miss ${_n#*=}"
	done
	echo "$_miss"
}
no_duplicates() {
	for _p in $(git -C repo ls-tree -r --name-only HEAD cases | grep '\.yaml$'); do
		git -C repo show "HEAD:$_p" | sed -n 's/^id: //p'
	done | sort | uniq -d
}
after_kill() {	# after_kill WHAT: the checks after a kill
	ok "$1: the lock is free at once (flock dies with its holder)" \
		flock -n "$LOCK" true
	if ! fq check -C repo >check.out 2>&1; then
		echo "# $1: fq check found: $(head -3 check.out | tr '\n' ' ')"
		ok "$1: fq check --repair" fq check -C repo --repair
	fi
	exits 0 "$1: fq check passes" fq check -C repo
	is "$1: the working tree equals HEAD" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
	is "$1: no temporary file left" "$(find repo -name '*.tmp*' -not -path '*/objects/*')" ""
	ok "$1: no journal left" test ! -e repo/.git/fq/pending
	is "$1: every case and note reported saved is there" "$(saved_all_there)" ""
	is "$1: no ID twice" "$(no_duplicates)" ""
	N=$(commits repo)
	exits 0 "$1: the next writer succeeds at once" env FQ_LOCK_TIMEOUT=0 \
		fq note -C repo "$A" "之后-$1"
	NOTES="$NOTES $A=之后-$1"
	is "$1: ... with one commit" "$(commits repo)" $((N + 1))
}

for p in $POINTS; do
	# fq new killed at p
	N=$(commits repo)
	env FQ_FAULT=$p fq new -C repo --title "崩溃$p" --category lljf \
		--summary x --party 甲 >out.new 2>/dev/null
	rc=$?
	kills=$((kills + 1))
	is "fq new killed at $p dies of SIGKILL" "$rc" 137
	is "... and reports nothing saved" "$(cat out.new)" ""
	case $p in
	after-commit) is "... after its commit: one commit" "$(commits repo)" $((N + 1)) ;;
	*) is "... before its commit: no commit" "$(commits repo)" "$N" ;;
	esac
	after_kill "new@$p"

	# fq note killed at p, then the next command runs first (the
	# journal is rolled back by the next writer, not only by repair)
	before=$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")
	env FQ_FAULT=$p fq note -C repo "$A" "被杀-$p" >/dev/null 2>&1
	is "fq note killed at $p dies of SIGKILL" "$?" 137
	kills=$((kills + 1))
	case $p in
	write|before-rename)
		is "... the case file is whole and as it was (half is only in a temporary file)" \
			"$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$A.yaml")" "$before"
		ok "... and the temporary file is there, shorter" sh -c \
			'f=$(ls repo/cases/2024/03/*.tmp*) && [ $(wc -c <"$f") -le $(wc -c <repo/cases/2024/03/'"$A"'.yaml) ] || [ '"$p"' != write ]' ;;
	*)	ok "... the case file is whole: one of the versions git stores" \
			git -C repo cat-file -e "$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$A.yaml")" ;;
	esac
	ID=$(fq new -C repo --title "之后$p" --category lljf --summary x --party 乙)
	is "... the next fq new succeeds" "$?" 0
	SAVED="$SAVED $ID"
	case $p in
	after-commit) ;;
	*) unlike "... and the killed note was not committed behind its back" \
		"$(git -C repo show "HEAD:cases/2024/03/$A.yaml")" "被杀-$p" ;;
	esac
	after_kill "note@$p"
done

# A change of two files killed between its two renames: fq merge.
B=$(new_case)
SAVED="$SAVED $B"
N=$(commits repo)
before_a=$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")
before_b=$(git -C repo rev-parse "HEAD:cases/2024/03/$B.yaml")
env FQ_FAULT=after-rename@1 fq merge -C repo --into "$A" "$B" >/dev/null 2>&1
is "fq merge killed after its first rename dies of SIGKILL" "$?" 137
kills=$((kills + 1))
exits 1 "... fq check reports the interrupted command" fq check -C repo
like "... names the journal" "$(out)" 'pending: a command was interrupted'
ok "... fq check --repair" fq check -C repo --repair
like "... puts the files back" "$(err)" 'put back 2 files'
is "... no commit" "$(commits repo)" "$N"
is "... first file as it was" "$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$A.yaml")" "$before_a"
is "... second file as it was" "$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$B.yaml")" "$before_b"
after_kill "merge@after-rename@1"

# An import killed in the middle, if fq import is built.
printf '编号,登记日期,当事人,纠纷类型,简要情况\n1,2024-03-01,张三,邻里纠纷,排水沟\n2,2024-03-02,李四,邻里纠纷,树枝\n3,2024-03-03,王五,邻里纠纷,围墙\n' >three.csv
# (fq import is built on another branch: only if this call works on a copy)
if command -v fq-import >/dev/null 2>&1 && cp -R repo probe &&
    fq import -C probe three.csv >/dev/null 2>&1 && rm -rf probe; then
	N=$(commits repo)
	env FQ_FAULT=after-rename@2 fq import -C repo three.csv >/dev/null 2>&1
	is "fq import killed after its second file dies of SIGKILL" "$?" 137
	kills=$((kills + 1))
	is "... no commit" "$(commits repo)" "$N"
	after_kill "import@after-rename@2"
	is "... no case of the import is left half in" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
fi

# A bulk import (200 cases: its own pack, new files created in place)
# killed while writing a file, after one, and before its commit.
awk 'BEGIN { print "编号,登记日期,当事人,纠纷类型,简要情况";
	for (i = 1; i <= 200; i++) printf "%d,2024-03-%02d,甲%d,邻里纠纷,排水沟\n", i, i % 28 + 1, i }' >bulk.csv
if command -v fq-import >/dev/null 2>&1; then
	# the files are written by a thread of their own beside the pack's,
	# or by one thread (FQ_IMPORT_THREADS=1): killed in either
	for t in 1 2; do
	for p in write@120 after-rename@150 before-commit; do
		N=$(commits repo)
		env FQ_IMPORT_THREADS=$t FQ_FAULT=$p fq import -C repo bulk.csv >/dev/null 2>&1
		is "fq import of 200 ($t threads) killed at $p dies of SIGKILL" "$?" 137
		kills=$((kills + 1))
		is "... no commit" "$(commits repo)" "$N"
		after_kill "import@$p/$t"
		is "... no temporary pack left" "$(ls repo/.git/objects/pack 2>/dev/null | grep -c '^tmp_')" 0
	done
		# a full disk while the files are written: an error, not a kill
		N=$(commits repo)
		exits 1 "ENOSPC writing file 120 ($t threads): fq import fails" \
			env FQ_IMPORT_THREADS=$t FQ_FAULT=enospc:write@120 fq import -C repo bulk.csv
		like "... saying which file" "$(err)" "cannot write 'cases/2024/03/.*\.yaml': No space left"
		is "... no commit" "$(commits repo)" "$N"
		is "... the working tree equals HEAD" "$(git -C repo status --porcelain --untracked-files=all)" ""
		is "... no temporary pack left" "$(ls repo/.git/objects/pack 2>/dev/null | grep -c '^tmp_')" 0
		ok "... no journal left" test ! -e repo/.git/fq/pending
	done
	# a writer killed mid-pack leaves objects/pack/tmp_pack_fq (when the
	# pack is slower than the files, as under valgrind): the journal's
	# recovery removes it, and never git's own tmp_pack_XXXXXX
	P=repo/.git/objects/pack
	echo half >$P/tmp_pack_fq
	echo half >$P/tmp_idx_fq
	echo git >$P/tmp_pack_AbC123
	env FQ_IMPORT_THREADS=1 FQ_FAULT=write@120 fq import -C repo bulk.csv >/dev/null 2>&1
	is "a kill with a half pack left: SIGKILL" "$?" 137
	ok "... fq check --repair" fq check -C repo --repair
	is "... fq's half pack is gone" "$(ls $P | grep -c '_fq$')" 0
	is "... git's own temporary pack is kept" "$(cat $P/tmp_pack_AbC123)" git
	rm -f $P/tmp_pack_AbC123
	N=$(commits repo)
	exits 0 "the same import, not killed, succeeds" fq import -C repo bulk.csv
	is "... with one commit" "$(commits repo)" $((N + 1))
	ok "... git fsck --strict passes" git -C repo fsck --strict --no-dangling
	is "... the working tree equals HEAD" "$(git -C repo status --porcelain --untracked-files=all)" ""
fi

# A process killed inside libgit2 leaves git's own lock files, which
# flock does not clear: fq check reports them, --repair removes them.
N=$(commits repo)
before=$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")
touch repo/.git/refs/heads/main.lock
exits 1 "a stale refs/heads/main.lock: fq note fails" fq note -C repo "$A" 锁住了
like "... saying it cannot commit" "$(err)" 'cannot commit.*main\.lock'
is "... no commit" "$(commits repo)" "$N"
is "... the file is put back as it was" \
	"$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$A.yaml")" "$before"
exits 1 "... fq check reports the stale lock" fq check -C repo
like "... by name" "$(out)" 'refs/heads/main\.lock: stale lock'
ok "... fq check --repair" fq check -C repo --repair
like "... removes it" "$(err)" 'removed stale lock .git/refs/heads/main.lock'
after_kill stale-main.lock
# git's index.lock is taken before the commit and held until the index
# is renamed into place: one that is not fq's own (a git command running,
# or one killed) makes fq wait a second, then give up before committing.
touch repo/.git/index.lock
N=$(commits repo)
before=$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")
exits 75 "a stale index.lock not fq's own: fq note is busy" \
	fq note -C repo "$A" 索引锁
like "... says so" "$(err)" "git's index is locked"
is "... no commit" "$(commits repo)" "$N"
is "... the file is put back as it was" \
	"$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$A.yaml")" "$before"
ok "... fq check --repair" fq check -C repo --repair
like "... removes the lock" "$(err)" "removed stale lock .git/index.lock"
after_kill stale-index.lock

# No space left: injected ENOSPC at each point that can meet it.
for p in write before-rename after-rename before-commit; do
	N=$(commits repo)
	before=$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")
	exits 1 "ENOSPC at $p: fq note fails" env FQ_FAULT=enospc:$p \
		fq note -C repo "$A" "满盘-$p"
	like "... with a clear message" "$(err)" '^fq-note: .*No space left on device'
	is "... nothing on stdout" "$(out)" ""
	is "... no commit" "$(commits repo)" "$N"
	is "... the file is as it was" \
		"$(git -C repo hash-object "$TEST_TMP/repo/cases/2024/03/$A.yaml")" "$before"
	is "... working tree equals HEAD" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
	is "... no temporary file" "$(find repo/cases -name '*.tmp*')" ""
	exits 0 "... fq check passes" fq check -C repo
	exits 1 "ENOSPC at $p: fq new fails" env FQ_FAULT=enospc:$p \
		fq new -C repo --title 满盘 --category lljf --summary x --party 甲
	is "... no commit" "$(commits repo)" "$N"
	is "... working tree equals HEAD" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
	exits 0 "... fq check passes" fq check -C repo
done
ENOSPC_TWO=$(commits repo)
exits 1 "ENOSPC before the commit of two files: fq merge fails" \
	env FQ_FAULT=enospc:before-commit fq merge -C repo --into "$A" "$B"
is "... no commit" "$(commits repo)" "$ENOSPC_TWO"
is "... both files put back" \
	"$(git -C repo status --porcelain --untracked-files=all)" ""

# A real full disk: a small tmpfs, when we may mount one (root).
MNT=$TEST_TMP/full
mkdir -p "$MNT"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m,mode=0700 tmpfs "$MNT" 2>/dev/null; then
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
	fq init "$MNT/repo" --unit QSZ --name 青山镇人民调解委员会 >/dev/null
	C=$(fq new -C "$MNT/repo" --title 满盘 --category lljf --summary x --party 甲)
	N=$(commits "$MNT/repo")
	before=$(git -C "$MNT/repo" rev-parse "HEAD:cases/2024/03/$C.yaml")
	# fill the disk, leaving a few hundred bytes
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
	long=$(head -c 30000 /dev/zero | tr '\0' x)
	exits 1 "a full disk: fq note fails" fq note -C "$MNT/repo" "$C" "$long"
	like "... with a clear message" "$(err)" 'No space left on device'
	is "... no commit" "$(commits "$MNT/repo")" "$N"
	is "... the file is as it was" \
		"$(git -C "$MNT/repo" hash-object "$MNT/repo/cases/2024/03/$C.yaml")" "$before"
	exits 1 "a full disk: fq new fails" fq new -C "$MNT/repo" --title 满盘 \
		--category lljf --summary "$long" --party 甲
	is "... no commit" "$(commits "$MNT/repo")" "$N"
	is "... working tree equals HEAD" \
		"$(git -C "$MNT/repo" status --porcelain --untracked-files=all)" ""
	exits 0 "... fq check passes" fq check -C "$MNT/repo"
	rm -f "$MNT/fill"
	exits 0 "with space again, fq note works" fq note -C "$MNT/repo" "$C" 有空间了
	umount "$MNT"
else
	echo "# not root or mount not permitted: the full disk is tested by injection only"
fi

echo "# $kills writers killed with SIGKILL"
done_testing
