#!/bin/sh
# git's index after fq's writes (lib/gitindex.c splices the changed
# entries in): git status clean, nothing staged, the cache tree right,
# the stat data that of the files, in index versions 2, 3 and 4, with and
# without extensions; racily clean entries smudged; what it cannot update
# refused before the commit; a user's git commit never takes fq's
# changes back.
. "$(dirname "$0")/lib.sh"
exec </dev/null

# idx FILE: version, entry count, extensions and whether the checksum is
# right, read with Python's own SHA-1 (not git's, not fq's)
cat > "$TEST_TMP/idx.py" <<'EOF'
import hashlib, struct, sys
d = open(sys.argv[1], "rb").read()
ok = hashlib.sha1(d[:-20]).digest() == d[-20:]
sig, ver, n = struct.unpack(">4sII", d[:12])
p = 12
prev = b""
for i in range(n):
    flags = struct.unpack(">H", d[p + 60:p + 62])[0]
    q = p + 62 + (2 if flags & 0x4000 else 0)
    if ver < 4:
        e = d.index(b"\0", q)
        p += (q - p + (e - q) + 8) & ~7
    else:
        strip, c = 0, d[q]; q += 1; strip = c & 127
        while c & 128:
            c = d[q]; q += 1; strip = ((strip + 1) << 7) | (c & 127)
        e = d.index(b"\0", q)
        prev = prev[:len(prev) - strip] + d[q:e]
        p = e + 1
exts = []
while p < len(d) - 20:
    exts.append(d[p:p + 4].decode("ascii", "replace"))
    p += 8 + struct.unpack(">I", d[p + 4:p + 8])[0]
print("v%d %d [%s] %s" % (ver, n, " ".join(exts), "sum-ok" if ok else "sum-BAD"))
EOF
idx() { python3 "$TEST_TMP/idx.py" "${1:-repo/.git/index}"; }

git_() { git -C repo -c user.name=用户 -c user.email=u@example.org "$@"; }

# consistent WHAT: git's index agrees with HEAD and with the files
consistent() {
	like "$1: the index's checksum is right" "$(idx)" 'sum-ok$'
	is "$1: git diff-files (stat data) is clean" \
		"$(git -C repo diff-files --name-only)" ""
	is "$1: git status is clean" \
		"$(git -C repo status --porcelain --untracked-files=no)" ""
	ok "$1: nothing staged" git -C repo diff --cached --quiet
	is "$1: git write-tree (the cache tree) is HEAD's tree" \
		"$(git -C repo write-tree)" "$(git -C repo rev-parse 'HEAD^{tree}')"
	is "$1: git ls-files is HEAD" \
		"$(git -C repo ls-files -s | awk '{ print $1, $2, $4 }')" \
		"$(git -C repo ls-tree -r HEAD | awk '{ print $1, $3, $4 }')"
	ok "$1: git fsck" git -C repo fsck --no-progress
	ok "$1: fq check (libgit2 reads it too)" fq check -C repo
}

# stat_ok WHAT PATH: the entry's stat data is the file's
stat_ok() {
	is "$1: the entry has the file's stat data" \
		"$(git -C repo ls-files --debug -- "$2" | awk '
			/ctime:/ { c = $2 } /mtime:/ { m = $2 }
			/dev:/ { d = $2; i = $4 } /uid:/ { u = $2; g = $4 }
			/size:/ { s = $2 } END { print c, m, d, i, u, g, s }')" \
		"$(stat -c '%.9Z %.9Y %d %i %u %g %s' "repo/$2" | awk '{
			# git prints nanoseconds without leading zeros
			split($1, c, "."); split($2, m, ".")
			print c[1] ":" c[2] + 0, m[1] ":" m[2] + 0, $3, $4, $5, $6, $7 }')"
}

# spliced WHAT CMD...: CMD succeeds, and git's index was spliced (only
# gitindex.c writes its SHA-1 cache), not left to libgit2
spliced() {
	_what=$1; shift
	rm -f repo/.git/fq/gitindex
	ok "$_what" "$@"
	ok "... spliced, not through libgit2" test -s repo/.git/fq/gitindex
}

make_repo
CASES=repo/cases/2024/03
A=$(new_case --accepted 2024-03-05 --mediator 张调解)
B=$(new_case --accepted 2024-02-10 --mediator 张调解)
is "two cases in two months" "$A $B" "QSZ-2024-000001 QSZ-2024-000002"
like "fq init makes an index of version 4" "$(idx)" '^v4 '
ok "made version 2 (git update-index)" git -C repo update-index --index-version 2
like "an index of version 2" "$(idx)" '^v2 '

# --- version 2 -------------------------------------------------------------
spliced "fq note (v2, a changed entry)" fq note -C repo "$A" 第一次
stat_ok "fq note" "cases/2024/03/$A.yaml"
consistent "fq note (v2)"
spliced "fq note again: from the cached SHA-1 states" fq note -C repo "$A" 第二次
consistent "fq note (cached)"
git -C repo status >/dev/null		# git rewrites the index itself
spliced "fq note after git rewrote the index" fq note -C repo "$B" 第三次
consistent "fq note after git"
C=$(new_case --accepted 2024-03-09)
ok "fq new (v2, a new entry)" test -s repo/.git/fq/gitindex
stat_ok "fq new" "cases/2024/03/$C.yaml"
consistent "fq new (v2)"
spliced "fq mediate" fq mediate -C repo --mediator 李调解 "$C"
consistent "fq mediate"

# --- a user's own commits next to fq's -------------------------------------
echo 会议纪要 > repo/notes.txt
ok "the user adds a file of their own" git_ add notes.txt
ok "... and commits it" git_ commit -qm "会议纪要"
like "... the cache tree is back" "$(idx)" 'TREE'
spliced "fq note after the user's commit" fq note -C repo "$A" 第四次
like "... the cache tree stays, made invalid along the path" "$(idx)" 'TREE'
consistent "fq note after the user's commit"
echo 补充 >> repo/notes.txt
ok "the user commits with -a" git_ commit -qam "补充"
is "... fq's note is still in HEAD" \
	"$(git -C repo show "HEAD:cases/2024/03/$A.yaml" | grep -c '第四次')" 1
is "... and HEAD's file is the working file" \
	"$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")" \
	"$(git hash-object "$CASES/$A.yaml")"

# --- the first entry ---------------------------------------------------------
ok "cases/.keep out of the index" git_ rm -q --cached cases/.keep
ok "... committed" git_ commit -qm "no .keep"
rm -f repo/cases/.keep
D=$(new_case --accepted 2023-12-30)
is "a case of 2023: its path sorts first" \
	"$(git -C repo ls-files | head -1)" "cases/2023/12/$D.yaml"
ok "... spliced in" test -s repo/.git/fq/gitindex
consistent "fq new (first entry)"

# --- extensions --------------------------------------------------------------
ok "an untracked cache, end-of-index and offset table extensions" \
	git -C repo -c core.untrackedCache=true -c index.threads=2 \
	-c index.recordEndOfIndexEntries=true -c index.recordOffsetTable=true \
	update-index --untracked-cache --force-write-index
like "... written by git" "$(idx)" 'UNTR'
like "... EOIE too" "$(idx)" 'EOIE'
spliced "fq note" fq note -C repo "$A" 第五次
like "... drops what points at entries by position" "$(idx)" '\[TREE\] sum-ok$'
consistent "fq note (extensions)"
is "... git status with the untracked cache" \
	"$(git -C repo -c core.untrackedCache=true status --porcelain --untracked-files=no)" ""

# --- version 4 ---------------------------------------------------------------
ok "index version 4" git -C repo update-index --index-version 4
like "... is" "$(idx)" '^v4 '
spliced "fq note (v4, a changed entry)" fq note -C repo "$A" 第六次
like "... still version 4" "$(idx)" '^v4 '
consistent "fq note (v4)"
E=$(new_case --accepted 2024-03-10)
ok "fq new (v4: the entry after it re-encoded)" test -s repo/.git/fq/gitindex
consistent "fq new (v4)"
F=$(new_case --accepted 2023-12-31)
consistent "fq new (v4, next to the first entry)"
git -C repo status >/dev/null
spliced "fq close path: mediate (v4, after git)" fq mediate -C repo --mediator 李调解 "$E"
consistent "fq mediate (v4)"
ok "back to version 2" git -C repo update-index --index-version 2

# --- version 3: an intent-to-add entry of the user's -------------------------
echo 草稿 > repo/draft.txt
ok "git add -N" git_ add -N draft.txt
like "... makes version 3" "$(idx)" '^v3 '
st=$(git -C repo status --porcelain --untracked-files=no)
spliced "fq note (v3)" fq note -C repo "$A" 第七次
like "... still version 3" "$(idx)" '^v3 sum-ok$|^v3 .*sum-ok$'
is "... the user's intent-to-add is kept" \
	"$(git -C repo status --porcelain --untracked-files=no)" "$st"
ok "... git fsck" git -C repo fsck --no-progress
ok "the user drops it" git_ rm -q --cached draft.txt
rm -f repo/draft.txt
consistent "after version 3"

# --- racily clean ------------------------------------------------------------
# An entry as new as the index may hide a change made in the same second.
# Set one up by hand: the file changed, same size, same second as the
# entry and the index.  Once fq's index is newer, git would trust the
# entry, unless its size is set to 0 (git's own "smudge").
git -C repo config core.trustctime false
git -C repo config core.checkStat minimal
printf 'aaaa\n' > repo/racy.txt
printf 'same\n' > repo/calm.txt
git_ add racy.txt calm.txt && git_ commit -qm racy
T=$(( $(date +%s) - 100 ))
touch -d "@$T" repo/racy.txt repo/calm.txt
git -C repo update-index --refresh >/dev/null
printf 'bbbb\n' > repo/racy.txt
touch -d "@$T" repo/racy.txt repo/.git/index
spliced "fq note with a racily clean entry" fq note -C repo "$A" 第八次
is "... git status sees the change hidden in the same second" \
	"$(git -C repo status --porcelain --untracked-files=no)" " M racy.txt"
unlike "... the unchanged racy file is not smudged" \
	"$(git -C repo ls-files --debug calm.txt)" 'size: 0'
git_ checkout -q racy.txt
git -C repo config --unset core.trustctime
git -C repo config --unset core.checkStat
consistent "after the racy entries"

# --- what it refuses before committing ---------------------------------------
N=$(commits repo)
before=$(git -C repo rev-parse "HEAD:cases/2024/03/$A.yaml")
ok "a split index" git -C repo update-index --split-index
exits 1 "fq note with a split index fails" fq note -C repo "$A" 分裂
like "... saying why, before the commit" "$(err)" \
	"cannot update git's index.*split index.*--no-split-index"
is "... no commit" "$(commits repo)" "$N"
is "... the file is as it was" \
	"$(git hash-object "$CASES/$A.yaml")" "$before"
ok "--no-split-index" git -C repo update-index --no-split-index
# the file put back is a new file: its stat data is git's to refresh
git -C repo update-index -q --refresh
consistent "after the split index"
cp repo/.git/index "$TEST_TMP/index.good"
python3 -c '
import sys
p = sys.argv[1]; d = bytearray(open(p, "rb").read()); d[20] ^= 1
open(p, "wb").write(d)' repo/.git/index
cp repo/.git/index "$TEST_TMP/index.bad"
rm -f repo/.git/fq/gitindex
exits 1 "fq note with a damaged index fails" fq note -C repo "$A" 坏了
like "... saying why" "$(err)" "checksum is wrong"
is "... no commit" "$(commits repo)" "$N"
ok "... the index is not rewritten with a right checksum" \
	cmp -s repo/.git/index "$TEST_TMP/index.bad"
cp "$TEST_TMP/index.good" repo/.git/index
git -C repo update-index -q --refresh
consistent "after the damaged index"

# --- the SHA-1 cache, written in place: never trusted when it is wrong ----------
C0=repo/.git/fq/gitindex
ok "a write leaves the cache" fq note -C repo "$A" 缓存
size=$(wc -c <"$C0")
head -c $((size / 2)) "$C0" >"$TEST_TMP/half" && cp "$TEST_TMP/half" "$C0"
ok "fq note with the cache torn in half" fq note -C repo "$A" 半个缓存
consistent "after a torn cache"
is "... the cache is whole again" "$(wc -c <"$C0")" "$size"
python3 -c 'import sys; p = sys.argv[1]; d = bytearray(open(p, "rb").read())
d[len(d) // 2] ^= 1; open(p, "r+b").write(d)' "$C0"
ok "fq note with a byte of the cache's states flipped" fq note -C repo "$A" 坏缓存
consistent "after a flipped byte"
cp "$C0" "$TEST_TMP/cache.old"
ok "two more writes" sh -c "fq note -C repo $A 甲 && fq new -C repo \
	--title 新 --category lljf --summary x --party 丙 >/dev/null"
cp "$TEST_TMP/cache.old" "$C0"
ok "fq note with the cache of an index two writes old" fq note -C repo "$A" 旧缓存
consistent "after a stale cache"
printf 'not a cache' >"$C0"
ok "fq new with a cache of another length" fq new -C repo --title 新 \
	--category lljf --summary x --party 丁
consistent "after a cache of another length"

# --- the index before last: freed by the next writer, on a thread -----------------
P=repo/.git/fq/index.prev
ino=$(stat -c %i repo/.git/index)
ok "fq note" fq note -C repo "$A" 上一个
is "... the old index is kept under a second name" "$(stat -c %i "$P")" "$ino"
is "... the index has one name" "$(stat -c %h repo/.git/index)" 1
ino=$(stat -c %i repo/.git/index)
ok "fq note again" fq note -C repo "$A" 又一个
is "... the name is the last index's now (the one before is gone)" \
	"$(stat -c %i "$P")" "$ino"
is "... which has that name only" "$(stat -c %h "$P")" 1
consistent "after keeping the old index"
rm -f "$P" && mkdir "$P"
ok "fq note with index.prev in the way (a directory)" fq note -C repo "$A" 挡路
consistent "with index.prev in the way"
ok "... which is left alone" test -d "$P"
rmdir "$P"

# --- git's lock ----------------------------------------------------------------
touch repo/.git/index.lock
( sleep 0.3; rm -f repo/.git/index.lock ) &
exits 0 "fq note waits for a git command's index.lock" fq note -C repo "$A" 等锁
wait
consistent "after waiting"
ok "fq's own lock owner file is gone" test ! -e repo/.git/fq/index.lock.owner

# --- plain git at the same time ------------------------------------------------
(
	i=0
	while [ $i -lt 30 ]; do
		git -C repo status --porcelain >/dev/null 2>&1
		git -C repo diff --cached --quiet 2>/dev/null
		i=$((i + 1))
	done
) &
saved=0
for i in 1 2 3 4 5 6 7 8; do
	fq note -C repo "$B" "并发$i" 2>>"$TEST_TMP/concurrent.err" &&
		saved=$((saved + 1))
done
wait
ok "fq notes beside git status: most saved" test "$saved" -ge 6
unlike "... the others busy, nothing worse" "$(cat "$TEST_TMP/concurrent.err")" \
	'^fq-note: [^g]|committed, but'

is "... each saved note is in HEAD" \
	"$(git -C repo show "HEAD:cases/2024/02/$B.yaml" | grep -c '并发')" "$saved"
consistent "after git beside fq"

done_testing
