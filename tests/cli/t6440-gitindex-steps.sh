#!/bin/sh
# git's index of several 64 KiB steps, updated from the entry checkpoints
# (.git/fq/gitindex.steps: lib/gitindex.c copies the steps no change can
# touch without reading them): after fq new in the middle, at the start
# and at the end, fq note, a user's git commit, a racily clean file, and
# the checkpoint file missing, corrupt, torn or another index's, the
# index is whole and git agrees with it, in versions 2 and 4.
. "$(dirname "$0")/lib.sh"
exec </dev/null

git_() { git -C repo -c user.name=用户 -c user.email=u@example.org "$@"; }

# idx: the index read with Python (not git, not fq): its checksum, and
# its entries' paths in order, each once (v4's prefixes undone)
cat > "$TEST_TMP/idx.py" <<'EOF'
import hashlib, struct, sys
d = open(sys.argv[1], "rb").read()
ok = hashlib.sha1(d[:-20]).digest() == d[-20:]
sig, ver, n = struct.unpack(">4sII", d[:12])
p, prev, names = 12, b"", []
for i in range(n):
    flags = struct.unpack(">H", d[p + 60:p + 62])[0]
    q = p + 62 + (2 if flags & 0x4000 else 0)
    if ver < 4:
        e = d.index(b"\0", q)
        name = d[q:e]
        p += (q - p + (e - q) + 8) & ~7
    else:
        c = d[q]; q += 1; strip = c & 127
        while c & 128:
            c = d[q]; q += 1; strip = ((strip + 1) << 7) | (c & 127)
        e = d.index(b"\0", q)
        name = prev[:len(prev) - strip] + d[q:e]
        p = e + 1
    names.append(name)
    prev = name
order = all(a < b for a, b in zip(names, names[1:]))
print("v%d %s %s" % (ver, "sum-ok" if ok else "sum-BAD",
    "sorted" if order else "NOT-SORTED"))
EOF
idx() { python3 "$TEST_TMP/idx.py" repo/.git/index; }

consistent() {
	like "$1: checksum right, entries sorted" "$(idx)" 'sum-ok sorted$'
	is "$1: git diff-files (stat data) is clean" \
		"$(git -C repo diff-files --name-only)" ""
	is "$1: git status is clean" \
		"$(git -C repo status --porcelain --untracked-files=no)" ""
	ok "$1: nothing staged" git -C repo diff --cached --quiet
	is "$1: git ls-files is HEAD" \
		"$(git -C repo ls-files -s | awk '{ print $1, $2, $4 }')" \
		"$(git -C repo ls-tree -r HEAD | awk '{ print $1, $3, $4 }')"
	is "$1: git write-tree is HEAD's tree" \
		"$(git -C repo write-tree)" "$(git -C repo rev-parse 'HEAD^{tree}')"
	ok "$1: git fsck" git -C repo fsck --no-progress
}

STEPS=repo/.git/fq/gitindex.steps
for v in 4 2; do
	rm -rf repo
	make_repo
	git -C repo config index.version $v
	git -C repo config gc.auto 0	# (8,000 loose objects: no gc racing fsck)
	# 4,000 files before the cases and 4,000 after: the cases' entries
	# in the middle of an index of a dozen steps or more
	python3 -c 'import os, sys, time
old = time.time() - 86400
for d in ("a", "z"):
    for i in range(4000):
        p = os.path.join(sys.argv[1], d, "s%02d" % (i % 40), "f%05d.txt" % i)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write("%d\n" % i)
        os.utime(p, (old, old))' repo
	ok "v$v: git add of 8,000 files" git_ add a z
	ok "v$v: ... committed" git_ commit -q -m files
	git -C repo update-index --index-version $v
	ok "v$v: ... an index over 4 steps" \
		test "$(wc -c <repo/.git/index)" -gt 262144
	A=$(new_case --accepted 2024-03-05)
	ok "v$v: fq new (git wrote the index: every entry read)" test -n "$A"
	ok "v$v: ... the checkpoints written" test -s "$STEPS"
	consistent "v$v: first fq new"
	for i in 1 2 3; do
		B=$(new_case --accepted 2024-0$i-1$i)
		ok "v$v: fq new $i (from the checkpoints)" test -n "$B"
		consistent "v$v: fq new $i"
	done
	ok "v$v: fq note" fq note -C repo "$A" 记录
	consistent "v$v: fq note"
	C=$(new_case --accepted 2019-01-02)
	ok "v$v: fq new of 2019 (the first case path)" test -n "$C"
	consistent "v$v: fq new of 2019"
	ok "v$v: fq mediate" fq mediate -C repo --mediator 李调解 "$C"
	consistent "v$v: fq mediate"

	# a case file as new as the index (fq note writes both, mostly in
	# the same second), changed with its size and mtime kept: racily
	# clean, so the next update smudges it as git would, and git sees the
	# change even comparing only mtime and size
	ok "v$v: fq note" fq note -C repo "$A" 再记
	f=repo/cases/2024/03/$A.yaml
	if [ "$(stat -c %Y "$f")" = "$(stat -c %Y repo/.git/index)" ]; then
		python3 -c 'import os, sys
p = sys.argv[1]; st = os.stat(p); d = bytearray(open(p, "rb").read())
d[-2] = ord("x") if d[-2] != ord("x") else ord("y")
open(p, "r+b").write(d)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))' "$f"
		ok "v$v: fq note on another case" fq note -C repo "$C" 记
		is "v$v: git sees the racily changed file" \
			"$(git -C repo -c core.checkStat=minimal \
			-c core.trustctime=false status --porcelain \
			--untracked-files=no)" " M cases/2024/03/$A.yaml"
		git -C repo checkout -q -- "cases/2024/03/$A.yaml"
	else
		ok "v$v: (fq note's file and index in two seconds)" true
		ok "v$v: (no racy entry)" true
	fi
	consistent "v$v: after the racy file"

	# the checkpoints spoiled: every entry read, the index still right
	cp "$STEPS" "$TEST_TMP/other.steps"
	new_case --accepted 2024-02-21 >/dev/null
	cp "$TEST_TMP/other.steps" "$STEPS"
	ok "v$v: fq new (another index's checkpoints)" \
		new_case --accepted 2024-02-22
	consistent "v$v: another index's checkpoints"
	python3 -c 'import sys
p = sys.argv[1]; d = bytearray(open(p, "rb").read())
d[len(d) // 2] ^= 0x40
open(p, "wb").write(d)' "$STEPS"
	ok "v$v: fq new (a corrupt checkpoint file)" \
		new_case --accepted 2024-02-23
	consistent "v$v: a corrupt checkpoint file"
	head -c 100 "$STEPS" > "$STEPS.t" && mv "$STEPS.t" "$STEPS"
	ok "v$v: fq new (a torn checkpoint file)" \
		new_case --accepted 2024-02-24
	consistent "v$v: a torn checkpoint file"
	rm -f "$STEPS"
	ok "v$v: fq new (no checkpoint file)" \
		new_case --accepted 2024-02-25
	ok "v$v: ... written again" test -s "$STEPS"
	consistent "v$v: no checkpoint file"

	# a user's commit rewrites the index: its checkpoints are stale
	echo 会议纪要 > repo/z/notes.txt
	ok "v$v: the user commits a file of their own" git_ add z/notes.txt
	ok "v$v: ... committed" git_ commit -qm 纪要
	D=$(new_case --accepted 2024-03-15)
	ok "v$v: fq new after the user's commit" test -n "$D"
	consistent "v$v: fq new after the user's commit"
	E=$(new_case --accepted 2024-03-16)
	ok "v$v: fq new after that" test -n "$E"
	consistent "v$v: fq new after fq new"
	like "v$v: the index stayed version $v" "$(idx)" "^v$v "
	ok "v$v: fq check (libgit2 reads it too)" fq check -C repo
done

done_testing
