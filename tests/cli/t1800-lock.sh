#!/bin/sh
# The writer lock: a second writer waits (bounded), then exits 75.
. "$(dirname "$0")/lib.sh"
exec </dev/null

# The lock is flock(2) on .git/fq/lock (lib/store.c).
LOCK=repo/.git/fq/lock
ms() { echo $(($(date +%s%N) / 1000000)); }
hold() {	# hold the lock for $1 seconds in the background; sets HOLDER
	# (the holder is the sleep itself: killing it frees the lock)
	sh -c 'exec 8>>"$1" && flock 8 && exec sleep "$2"' sh "$LOCK" "$1" &
	HOLDER=$!
	# wait until it really holds the lock
	_i=0
	while flock -n "$LOCK" true 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# Under valgrind a command takes seconds to start: a wait's upper bound
# is S times looser.
S=1
[ -z "$FQ_VG" ] || S=15

make_repo
ID=$(new_case)
ok "the lock file exists" test -f "$LOCK"
N=$(commits repo)

# held until released below, however slow the commands (ASan, valgrind)
hold 600
ok "the lock is held by another process" sh -c "! flock -n $LOCK true"
t0=$(ms)
exits 75 "fq new while the lock is held exits 75" \
	env FQ_LOCK_TIMEOUT=0.5 fq new -C repo --title 等锁 --category lljf \
	--summary x --party 甲
t1=$(ms)
like "... with a busy message" "$(err)" 'busy'
is "... nothing on stdout" "$(out)" ""
ok "... after waiting about FQ_LOCK_TIMEOUT (took $((t1 - t0)) ms)" \
	test $((t1 - t0)) -ge 450 -a $((t1 - t0)) -lt $((3000 * S))
is "... nothing committed" "$(commits repo)" "$N"
is "... working tree equals HEAD" \
	"$(git -C repo status --porcelain --untracked-files=all)" ""
ok "... no case file written" \
	test "$(find repo/cases -name '*.yaml' | wc -l)" -eq 1
exits 75 "FQ_LOCK_TIMEOUT=0: no wait, exit 75" \
	env FQ_LOCK_TIMEOUT=0 fq new -C repo --title x --category lljf \
	--summary x --party 甲
exits 75 "fq note exits 75 too" env FQ_LOCK_TIMEOUT=0.2 \
	fq note -C repo "$ID" 文字
exits 75 "fq edit exits 75 too" env FQ_LOCK_TIMEOUT=0.2 \
	EDITOR="sed -i s/两家/三家/" fq edit -C repo "$ID"
like "... and says where the edit is kept" "$(err)" "kept in .*\.git/fq/edit/$ID\.yaml"
like "... which has the edit" "$(cat "repo/.git/fq/edit/$ID.yaml")" '三家'
exits 75 "fq check --repair exits 75 too" env FQ_LOCK_TIMEOUT=0.2 \
	fq check -C repo --repair
is "nothing committed by any of them" "$(commits repo)" "$N"
like "the case file is untouched" "$(cat repo/cases/2024/03/"$ID".yaml)" '两家'
# Readers do not take the lock.
exits 0 "fq show works while the lock is held" env FQ_LOCK_TIMEOUT=0 \
	fq show -C repo "$ID"
exits 0 "fq list works while the lock is held" env FQ_LOCK_TIMEOUT=0 \
	fq list -C repo
like "... and lists the case" "$(out)" "^$ID "
exits 0 "fq check works while the lock is held" env FQ_LOCK_TIMEOUT=0 \
	fq check -C repo
exits 0 "fq log works while the lock is held" env FQ_LOCK_TIMEOUT=0 \
	fq log -C repo "$ID"
kill "$HOLDER"; wait "$HOLDER"

exits 0 "after the holder exits, the kept edit goes in with --from" \
	fq edit -C repo "$ID" --from "repo/.git/fq/edit/$ID.yaml"
like "... committed" "$(git -C repo show "HEAD:cases/2024/03/$ID.yaml")" '三家'
N=$(commits repo)
exits 0 "after the holder exits, fq new succeeds" env FQ_LOCK_TIMEOUT=0.5 \
	fq new -C repo --title 等锁 --category lljf --summary x --party 甲
is "... the next ID" "$(out)" QSZ-2024-000002
is "... one commit" "$(commits repo)" $((N + 1))

# A writer waits for the lock when it is released in time.
hold 1
N=$(commits repo)
exits 0 "a writer waits for a lock released within FQ_LOCK_TIMEOUT" \
	env FQ_LOCK_TIMEOUT=10 fq note -C repo "$ID" 等到了
is "... committed" "$(commits repo)" $((N + 1))
wait "$HOLDER"

# Eight writers at once, with the default timeout: all succeed.  (Under
# valgrind each holds the lock for seconds: a wait of S minutes.)
unset FQ_LOCK_TIMEOUT
[ -z "$FQ_VG" ] || export FQ_LOCK_TIMEOUT=$((60 * S))
N=$(commits repo)
i=1
while [ $i -le 8 ]; do
	fq new -C repo --title "并发$i" --category lljf --summary "并发登记$i" \
		--party 甲 >"par.$i.out" 2>"par.$i.err" &
	eval "P$i=\$!"
	i=$((i + 1))
done
fails=0
i=1
while [ $i -le 8 ]; do
	eval "wait \$P$i" || fails=$((fails + 1))
	i=$((i + 1))
done
is "8 concurrent fq new all succeed" "$fails" 0
is "... nothing on stderr" "$(cat par.*.err)" ""
is "... 8 distinct IDs" "$(cat par.*.out | sort -u | wc -l | tr -d ' ')" 8
is "... the IDs 3 to 10" "$(cat par.*.out | sort | tr '\n' ' ')" \
	"QSZ-2024-000003 QSZ-2024-000004 QSZ-2024-000005 QSZ-2024-000006 QSZ-2024-000007 QSZ-2024-000008 QSZ-2024-000009 QSZ-2024-000010 "
is "... 8 commits" "$(commits repo)" $((N + 8))
is "... each one fq-new commit" \
	"$(git -C repo log -8 --format=%s | grep -c '^fq-new: QSZ-2024-0000')" 8
is "... each commit one file" \
	"$(git -C repo log -8 --format= --name-only | grep -c .)" 8
is "... history is linear" "$(git -C repo rev-list --merges HEAD | wc -l | tr -d ' ')" 0
is "... working tree equals HEAD" \
	"$(git -C repo status --porcelain --untracked-files=all)" ""
exits 0 "... fq check passes" fq check -C repo
exits 0 "... git fsck passes" git -C repo fsck --no-progress
exits 0 "... and list shows all" fq list -C repo --format tsv
is "... 10 cases" "$(out | sed 1d | wc -l | tr -d ' ')" 10

done_testing
