#!/bin/sh
# Concurrent writers: 16 at once, fq new and fq note mixed (and fq import
# when it is built).  Each exits 0 or 75 (busy after its bounded wait);
# each success is exactly one commit; IDs never repeat; fq check passes;
# a reader running the whole time never sees half a file.
. "$(dirname "$0")/lib.sh"
exec </dev/null

WRITERS=16
ROUNDS=${FQ_T6000_ROUNDS:-5}

make_repo
A=$(new_case)
B=$(new_case)
have_import=false
command -v fq-import >/dev/null 2>&1 && have_import=true

# A reader: fq show of a case and cat of its working file, in a loop,
# until the stop file appears.  A read is whole when fq show exits 0 and
# the file read is one of the blobs git stores (every version fq writes
# goes into the object store before the file is renamed into place).
reader() {
	_bad=0 _reads=0
	while [ ! -e stop ]; do
		for _id in "$A" "$B"; do
			_f=repo/cases/2024/03/$_id.yaml
			if ! fq show -C repo "$_id" >reader.show 2>reader.err; then
				_bad=$((_bad + 1))
				sed 's/^/show: /' reader.err >>reader.log
			fi
			cat "$_f" >reader.copy 2>/dev/null || continue
			_h=$(git -C repo hash-object --stdin <reader.copy)
			if ! git -C repo cat-file -e "$_h" 2>/dev/null; then
				# the blob may not be visible yet to a
				# concurrent reader; retry once
				sleep 0.05
				git -C repo cat-file -e "$_h" 2>/dev/null || {
					_bad=$((_bad + 1))
					cp reader.copy "half.$_reads"
				}
			fi
			if ! grep -q '^id: '"$_id"'$' reader.copy; then
				_bad=$((_bad + 1))
				cp reader.copy "noid.$_reads"
			fi
			_reads=$((_reads + 2))
		done
	done
	echo "$_reads $_bad" >reader.result
}

if $have_import; then
	cat >small.csv <<'CSV'
编号,登记日期,当事人,纠纷类型,简要情况
1,2024-03-01,张三,邻里纠纷,两家为排水沟争吵
2,2024-03-02,李四,婚姻家庭纠纷,夫妻吵架
CSV
	# fq import is built on another branch: take part only if this
	# call works on a scratch copy
	cp -R repo probe
	if ! fq import -C probe small.csv >/dev/null 2>probe.err; then
		echo "# fq import -C DIR small.csv fails here ($(head -1 probe.err)): left out"
		have_import=false
	fi
	rm -rf probe
	# a ledger of its own for every round: a re-import of the same
	# file changes nothing and makes no commit, by design
	r=1
	while [ $r -le "$ROUNDS" ]; do
		printf '编号,登记日期,当事人,纠纷类型,简要情况\n1,2024-03-0%s,张三%s,邻里纠纷,第%s轮导入\n' \
			"$r" "$r" "$r" >"small.$r.csv"
		r=$((r + 1))
	done
fi

writer() {	# writer N ROUND: one change, exit code to rc.N.ROUND
	case $(($1 % 4)) in
	0|2)	fq new -C repo --title "并发$1-$2" --category lljf \
			--summary "第$2轮第$1个" --party "甲$1" >"out.$1.$2" 2>"err.$1.$2" ;;
	1)	fq note -C repo "$A" "并发记录 $1-$2" >"out.$1.$2" 2>"err.$1.$2" ;;
	3)	if $have_import && [ "$1" = 3 ]; then
			fq import -C repo "small.$2.csv" >"out.$1.$2" 2>"err.$1.$2"
		else
			fq note -C repo "$B" "并发记录 $1-$2" >"out.$1.$2" 2>"err.$1.$2"
		fi ;;
	esac
	echo $? >"rc.$1.$2"
}

N0=$(commits repo)
reader &
READER=$!
start=$(date +%s)
r=1
while [ $r -le "$ROUNDS" ]; do
	i=0
	pids=
	while [ $i -lt $WRITERS ]; do
		# small enough that some writers give up and exit 75
		FQ_LOCK_TIMEOUT=${FQ_T6000_TIMEOUT:-0.25} writer $i $r &
		pids="$pids $!"
		i=$((i + 1))
	done
	wait $pids
	r=$((r + 1))
done
touch stop
wait $READER
end=$(date +%s)

ok=0 busy=0 other=0
for f in rc.*; do
	case $(cat "$f") in
	0) ok=$((ok + 1)) ;;
	75) busy=$((busy + 1)) ;;
	*) other=$((other + 1)); echo "# ${f#rc.}: exit $(cat "$f"): $(cat "err.${f#rc.}")" ;;
	esac
done
total=$((WRITERS * ROUNDS))
echo "# $total writers in $ROUNDS rounds of $WRITERS: $ok done, $busy busy (75), $other other; $((end - start)) s"
is "every writer exits 0 or 75" "$other" 0
is "every writer ran" $((ok + busy)) "$total"
ok "some writers succeed" test "$ok" -gt 0
is "every success is exactly one commit" "$(commits repo)" $((N0 + ok))
for f in rc.*; do
	[ "$(cat "$f")" = 75 ] || continue
	grep -q busy "err.${f#rc.}" || echo "# no busy message: ${f#rc.}"
done
is "a busy writer says the repository is busy" \
	"$(for f in rc.*; do [ "$(cat "$f")" = 75 ] && ! grep -q busy "err.${f#rc.}" && echo "${f#rc.}"; done)" ""
is "a busy writer writes nothing on stdout" \
	"$(for f in rc.*; do [ "$(cat "$f")" = 75 ] && [ -s "out.${f#rc.}" ] && echo "${f#rc.}"; done)" ""

# IDs never repeat: the IDs printed by fq new, the IDs in the files and
# the file names each have no duplicates, and agree.
printed=$(for f in rc.*; do n=${f#rc.}; [ "$(cat "$f")" = 0 ] && \
	[ $((${n%.*} % 2)) = 0 ] && cat "out.$n"; done | sort)
is "IDs printed by fq new never repeat" \
	"$(printf '%s\n' "$printed" | uniq -d)" ""
nnew=$(printf '%s\n' "$printed" | grep -c .)
files=$(git -C repo ls-tree -r --name-only HEAD cases | grep '\.yaml$' | sed 's|.*/||; s|\.yaml$||' | sort)
is "every ID printed is a committed case" \
	"$(printf '%s\n' "$printed" | comm -23 - "$(printf '%s\n' "$files" >files.txt; echo files.txt)")" ""
ids=$(for p in $(git -C repo ls-tree -r --name-only HEAD cases | grep '\.yaml$'); do
	git -C repo show "HEAD:$p" | sed -n 's/^id: //p'; done | sort)
is "no two committed files carry one ID" "$(printf '%s\n' "$ids" | uniq -d)" ""
if ! $have_import; then
	is "cases = 2 + successful fq new" "$(printf '%s\n' "$files" | grep -c .)" $((2 + nnew))
fi
# The notes that were reported saved are all in the case files.
missing=
for f in rc.*; do
	n=${f#rc.}; w=${n%.*}
	[ "$(cat "$f")" = 0 ] || continue
	case $((w % 4)) in
	1) id=$A ;;
	3) $have_import && [ "$w" = 3 ] && continue; id=$B ;;
	*) continue ;;
	esac
	git -C repo show "HEAD:cases/2024/03/$id.yaml" | grep -q "并发记录 $n\$" ||
		missing="$missing $n"
done
is "every note reported saved is committed" "$missing" ""
exits 0 "fq check passes" fq check -C repo
is "the working tree equals HEAD" \
	"$(git -C repo status --porcelain --untracked-files=all)" ""
is "no temporary file left" "$(find repo/cases -name '*.tmp*')" ""

read reads bad <reader.result
echo "# reader: $reads reads during the writes"
ok "the reader read while writers wrote" test "$reads" -gt 0
is "the reader never saw half a file" "$bad" 0
is "... nor a failing fq show" "$(cat reader.log 2>/dev/null)" ""

done_testing
