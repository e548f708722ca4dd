#!/bin/sh
# fq init: create a case repository.
. "$(dirname "$0")/lib.sh"
exec </dev/null

mode() { stat -c %a "$1"; }

umask 022
exits 0 "init creates a repository" \
	fq init repo --unit QSZ --name 青山镇人民调解委员会 --town 青山镇
ok "fq.yaml exists" test -f repo/fq.yaml
ok "cases/ exists" test -d repo/cases
ok ".git exists" test -d repo/.git
is "one commit" "$(commits repo)" 1
is "commit message" "$(git -C repo log --format=%s)" \
	"fq-init: QSZ 青山镇人民调解委员会"
is "commit author is the clerk" "$(git -C repo log --format='%an <%ae>')" \
	"李调解 <li@example.org>"
is "the directory is 0700 under umask 022" "$(mode repo)" 700
is ".git is 0700 under umask 022" "$(mode repo/.git)" 700
is "fq.yaml is 0600 under umask 022" "$(mode repo/fq.yaml)" 600
is "cases/ is 0700" "$(mode repo/cases)" 700
is "no file under .git readable by others" \
	"$(find repo/.git -perm /o=r | head -3)" ""
like "fq.yaml has the unit" "$(cat repo/fq.yaml)" '^unit: QSZ$'
like "fq.yaml has the name" "$(cat repo/fq.yaml)" '^name: 青山镇人民调解委员会$'
like "fq.yaml has the town" "$(cat repo/fq.yaml)" '^town: 青山镇$'
is "working tree equals HEAD" "$(git -C repo status --porcelain)" ""
is "fq.yaml is tracked" "$(git -C repo ls-files fq.yaml)" fq.yaml
is "branch" "$(git -C repo symbolic-ref --short HEAD)" main
ok "git fsck passes" git -C repo fsck --no-progress
exits 0 "the new repository passes fq check" fq check -C repo
exits 0 "an empty repository lists" fq list -C repo --format json
is "... nothing" "$(out)" "[]"

# -C DIR names the directory too; an existing empty directory is fine.
mkdir empty
exits 0 "init -C DIR into an empty directory" \
	fq init -C empty --unit Q2 --name 二号调委会
is "... one commit" "$(commits empty)" 1
is "... mode 0700" "$(mode empty)" 700
exits 0 "init with no DIR uses the current directory" \
	sh -c 'mkdir here && cd here && fq init --unit AB12 --name 测试'
like "... fq.yaml in it" "$(cat here/fq.yaml)" '^unit: AB12$'

# Missing or bad options: exit 2, nothing created.
exits 2 "missing --unit exits 2" fq init r1 --name 青山镇
like "... names --unit" "$(err)" '--unit'
ok "... nothing created" test ! -e r1/.git
exits 2 "missing --name exits 2" fq init r2 --unit QSZ
like "... names --name" "$(err)" '--name'
ok "... nothing created" test ! -e r2/.git
exits 2 "empty --name exits 2" fq init r2 --unit QSZ --name ''
for u in qsz Q TOOLONGUNIT1234 'Q-Z' 'QS Z' '青山' ''; do
	exits 2 "bad unit '$u' exits 2" fq init r3 --unit "$u" --name 青山镇
	like "... says what a unit is" "$(err)" '--unit'
	ok "... nothing created" test ! -e r3/.git
done
exits 2 "an unknown option exits 2" fq init r4 --unit QSZ --name x --colour
exits 2 "two directories exit 2" fq init r5 r6 --unit QSZ --name x
ok "... nothing created" test ! -e r5/.git -a ! -e r6/.git
exits 2 "an unknown --level exits 2" fq init r7 --unit QSZ --name x --level nosuch
ok "... nothing created" test ! -e r7/.git

# Git's index in version 4 (paths stored against the one before), kept so
# when git makes it anew (index.version); git and fq both work with it.
is "git's index is version 4" "$(od -An -tx1 -j4 -N4 repo/.git/index | tr -d ' ')" 00000004
is "... index.version 4 in .git/config" "$(git -C repo config index.version)" 4
is "... git status clean" "$(git -C repo status --porcelain)" ""
rm repo/.git/index
git -C repo reset -q
is "... git's own new index: version 4 too" \
	"$(od -An -tx1 -j4 -N4 repo/.git/index | tr -d ' ')" 00000004

# Init over an existing repository: exit 1, nothing changed.
git -C repo rev-parse HEAD >head.before
cp repo/fq.yaml fq.before
exits 1 "init in an existing fq repository exits 1" \
	fq init repo --unit XYZ --name 别的
like "... says it exists" "$(err)" 'already'
is "... HEAD unchanged" "$(git -C repo rev-parse HEAD)" "$(cat head.before)"
is "... fq.yaml unchanged" "$(cat repo/fq.yaml)" "$(cat fq.before)"
is "... still one commit" "$(commits repo)" 1
is "... working tree clean" "$(git -C repo status --porcelain)" ""

# Init over a plain git repository: refused too.
git init -q plain
exits 1 "init in an existing git repository exits 1" \
	fq init plain --unit QSZ --name 青山镇
ok "... no fq.yaml written" test ! -e plain/fq.yaml

done_testing
