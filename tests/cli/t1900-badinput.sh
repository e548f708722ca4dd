#!/bin/sh
# Bad data in case files (exit 65, file:line:column), and no repository.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
ID=$(new_case --accepted 2024-03-05)
OTHER=$(TITLE=完好的案件 new_case)
is "two cases" "$ID $OTHER" "QSZ-2024-000001 QSZ-2024-000002"
REL=cases/2024/03/$ID.yaml
F=repo/$REL
cp "$F" orig.yaml

commit() { git -C repo -c user.name=手工 -c user.email=hand@example.org \
	commit -qam "$1"; }
restore() { cp orig.yaml "$F"; commit restore; }
# bad DESCRIPTION PATTERN: the committed file is bad; fq show exits 65 with a
# message matching PATTERN, and fq note refuses to write on top of it.
bad() {
	commit "$1"
	exits 65 "$1: fq show exits 65" fq show -C repo "$ID"
	like "$1: the message" "$(err)" "$2"
	is "$1: nothing on stdout" "$(out)" ""
	_n0=$(commits repo)
	exits 65 "$1: fq note exits 65" fq note -C repo "$ID" 文字
	is "$1: ... nothing committed" "$(commits repo)" "$_n0"
	is "$1: ... nothing written" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
	restore
}
line_of() { grep -n "$1" orig.yaml | head -1 | cut -d: -f1; }

exits 0 "the good file shows" fq show -C repo "$ID"

S=$(line_of '^summary:')
sed -i 's/^summary: 两家/summary: [两家/' "$F"
# (libyaml notices an unclosed [ on the line after)
bad "malformed YAML" "^fq-show: $REL:($S|$((S + 1))):[0-9]+: "

sed -i 's/^summary: \(.*\)/summary: \&s \1\ntitle_again: *s/' "$F"
bad "an anchor and an alias" "$REL:$S:[0-9]+: .*(anchors|aliases) are not allowed"
sed -i 's/^summary: .*/summary: *s/' "$F"
bad "an alias alone" "$REL:$S:[0-9]+: .*aliases are not allowed"
sed -i 's/^- role: applicant$/- \&p role: applicant/' "$F"
bad "an anchor on a party" "$REL:[0-9]+:[0-9]+: .*anchors are not allowed"
sed -i 's/^summary: \(.*\)/summary: !!python\/object \1/' "$F"
bad "a YAML tag" "$REL:$S:[0-9]+: .*tag"

python3 -c '
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(s.replace("summary: ", "summary: " + "长" * 400000, 1))
' "$F"
ok "the big file is over 1 MiB" test "$(wc -c <"$F")" -gt 1048576
bad "a file over 1 MiB" "$REL.*(too large|1 MiB)"

L=$(line_of '^status:')
sed -i 's/^status: accepted$/status: bogus/' "$F"
bad "an unknown state" "$REL:$L:[0-9]+: .*bogus"
sed -i 's/^category: .*/category: nosuch/' "$F"
bad "an unknown category" "$REL:$(line_of '^category:'):[0-9]+: .*nosuch"
sed -i '/^title:/d' "$F"
bad "a missing required field" "$REL:[0-9]+:[0-9]+: .*title"
sed -i '/^events:/,$d' "$F"
bad "no events" "$REL:[0-9]+:[0-9]+: .*events"
sed -i 's/^accepted_on: .*/accepted_on: 2024-02-30/' "$F"
bad "an impossible date" "$REL:$(line_of '^accepted_on:'):[0-9]+: .*2024-02-30"
echo 'colour: red' >>"$F"
bad "an unknown field" "$REL:[0-9]+:[0-9]+: .*colour"
echo 'title: 又一个标题' >>"$F"
bad "a duplicate key" "$REL:[0-9]+:[0-9]+: .*duplicate.*title"
sed -i 's/^id: .*/id: QSZ-2024-000009/' "$F"
bad "an id that does not match the file name" "$REL:1:[0-9]+: .*does not match"
printf 'note: "a\0b"\n' >>"$F"
ok "the file has a NUL byte" test "$(tr -d '\000' <"$F" | wc -c)" -lt "$(wc -c <"$F")"
bad "a NUL byte" "$REL.*NUL"
printf 'note2: \304\343\272\303\n' >>"$F"	# 你好 in GB18030
bad "not UTF-8" "$REL.*UTF-8"
printf -- '- a\n- b\n' >"$F"
bad "a sequence, not a mapping" "$REL.*mapping"
: >"$F"
bad "an empty file" "$REL"
python3 -c 'import sys; open(sys.argv[1], "w").write("[" * 100000)' "$F"
bad "nesting a hundred thousand deep" "$REL.*(deep|nesting)"
printf 'summary:\n\t- tab\n' >"$F"
bad "a tab in the indentation" "$REL:[0-9]+:[0-9]+: "

# The other case is not affected by any of this.
exits 0 "the good case still shows" fq show -C repo "$OTHER"
# fq list carries on past a bad file, and says so.
sed -i 's/^summary: 两家/summary: [两家/' "$F"
commit "broken again"
fq list -C repo --format tsv >list.out 2>list.err
like "fq list warns about the bad file" "$(cat list.err)" "could not be read|$REL"
like "... and lists the good one" "$(cat list.out)" "^$OTHER	"
exits 1 "fq check reports it" fq check -C repo
like "... at file:line:col" "$(out)" "^$REL:($S|$((S + 1))):[0-9]+: "
restore

# A symbolic link at a case path is not followed.
rm "$F"
ln -s /etc/passwd "$F"
commit "a symlink"
exits 1 "fq show of a symlinked case fails" fq show -C repo "$ID"
like "... says it is a symbolic link" "$(err)" 'symbolic link'
unlike "... and never shows the target" "$(out)$(err)" 'root:'
git -C repo rm -q --cached "$REL"
rm "$F"
cp orig.yaml "$F"
git -C repo add "$REL"
commit restore
exits 0 "restored" fq show -C repo "$ID"

# A broken fq.yaml.
cp repo/fq.yaml fq.orig
echo 'unit: qsz' >repo/fq.yaml
exits 65 "a bad unit in fq.yaml exits 65" fq list -C repo
like "... naming fq.yaml:line:col" "$(err)" 'fq\.yaml:1:[0-9]+: '
printf 'unit: QSZ\nname: [\n' >repo/fq.yaml
exits 65 "fq.yaml that does not parse exits 65" fq show -C repo "$ID"
like "... naming fq.yaml" "$(err)" 'fq\.yaml:[0-9]+:[0-9]+: '
N=$(commits repo)
exits 65 "fq new refuses too" fq new -C repo --title x --category lljf \
	--summary x --party 甲
is "... nothing committed" "$(commits repo)" "$N"
cp fq.orig repo/fq.yaml
exits 0 "restored" fq list -C repo

# Not a repository.
mkdir notrepo
cd notrepo
exits 1 "fq list outside a repository exits 1" fq list
like "... not in an fq repository" "$(err)" 'not in an fq repository'
is "... nothing on stdout" "$(out)" ""
exits 1 "fq show outside a repository exits 1" fq show "$ID"
like "... not in an fq repository" "$(err)" 'not in an fq repository'
exits 1 "fq new outside a repository exits 1" fq new --title x \
	--category lljf --summary x --party 甲
ok "... wrote nothing here" test -z "$(ls -A)"
git init -q plain
exits 1 "a git repository without fq.yaml is not an fq repository" \
	fq list -C plain
cd "$TEST_TMP"
exits 1 "-C /nonexistent exits 1" fq list -C /nonexistent
like "... names it" "$(err)" '/nonexistent'
exits 1 "-C /nonexistent for show" fq show -C /nonexistent "$ID"
exits 1 "-C /nonexistent for new" fq new -C /nonexistent --title x \
	--category lljf --summary x --party 甲
ok "... created nothing" test ! -e /nonexistent
exits 1 "FQ_DIR=/nonexistent exits 1" env FQ_DIR=/nonexistent fq list
exits 1 "fq -C /nonexistent list exits 1" fq -C /nonexistent list

# A bad FQ_TODAY is a usage error.
exits 2 "FQ_TODAY=2024-13-01 exits 2" env FQ_TODAY=2024-13-01 fq list -C repo
like "... says so" "$(err)" FQ_TODAY

done_testing
