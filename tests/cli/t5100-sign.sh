#!/bin/sh
# Signed commits: with an SSH key in git's configuration every commit fq
# makes (init, new, a lifecycle step, an import's bulk commit, a sync
# merge) is signed so that git verify-commit accepts it; fq check --verify
# reports unsigned, tampered and unknown-signer commits; a key that is
# missing or a signer that fails commits nothing.
. "$(dirname "$0")/lib.sh"
exec </dev/null

# git and libgit2 both read this one file (libgit2 reads ~/.gitconfig)
GIT_CONFIG_GLOBAL=$HOME/.gitconfig
export GIT_CONFIG_GLOBAL
: >"$GIT_CONFIG_GLOBAL"
K=$TEST_TMP/keys
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C clerk -f "$K/clerk"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$K/stranger"
echo "li@example.org $(cat "$K/clerk.pub")" >"$K/allowed"
git config --global gpg.format ssh
git config --global user.signingKey "$K/clerk"
git config --global gpg.ssh.allowedSignersFile "$K/allowed"

verified() {	# verified DIR REV: git verify-commit accepts it
	git -C "$1" verify-commit "$2" 2>&1 | grep -q '^Good "git" signature for li@example.org'
}
clean() { git -C "$1" status --porcelain --untracked-files=all; }

# --- every commit fq makes is signed ---------------------------------------
exits 0 "fq init with a key" fq init repo --unit QSZ --name 青山镇人民调解委员会
ok "... the first commit is signed" verified repo HEAD
is "... the reflog says what libgit2 says" "$(git -C repo reflog -1 --format=%gs)" \
	"commit (initial): fq-init: QSZ 青山镇人民调解委员会"
ID=$(new_case --accepted 2024-03-05)
ok "fq new: signed" verified repo HEAD
is "... reflog" "$(git -C repo reflog -1 --format=%gs)" "commit: fq-new: $ID 王某甲与王某乙宅基地纠纷"
is "... the branch moved, HEAD follows" "$(git -C repo rev-parse refs/heads/main)" \
	"$(git -C repo rev-parse HEAD)"
is "... the branch reflog too" "$(git -C repo reflog -1 --format=%gs refs/heads/main)" \
	"commit: fq-new: $ID 王某甲与王某乙宅基地纠纷"
is "... working tree clean" "$(clean repo)" ""
exits 0 "fq mediate" fq mediate -C repo "$ID" --mediator 张调解
ok "... signed" verified repo HEAD
is "... two commits, each on the last" "$(git -C repo rev-list --count HEAD)" 3

# an import of more than 64 cases takes the bulk path (one pack)
{
	echo '序号,受理日期,当事人,纠纷类型,纠纷简要情况,调解员'
	i=1
	while [ $i -le 70 ]; do
		echo "$i,2024年3月$((i % 28 + 1))日,王某$i,邻里纠纷,两家因围墙发生争执,李某"
		i=$((i + 1))
	done
} >big.csv
exits 0 "fq import of 70 rows" fq import -C repo big.csv
like "... one commit of 70" "$(git -C repo log -1 --format=%s)" '^fq-import: 70 new'
ok "... signed" verified repo HEAD
is "... working tree clean" "$(clean repo)" ""

exits 0 "fq check --verify: all good" fq check -C repo --verify
like "... counts the commits" "$(err)" '4 commits verified, 0 problems'
exits 0 "fq log --show-signature" fq log -C repo --show-signature "$ID"
like "... G for a good one" "$(out | head -1)" "^[0-9]{4}-.* [0-9a-f]{10}  G 李调解 <li@example.org>  fq-mediate: "
exits 0 "... tsv" fq log -C repo --format tsv --show-signature "$ID"
like "... a column" "$(out | head -1)" "^[0-9a-f]{40}	G	"

# --- a sync merge is signed -------------------------------------------------
C=$TEST_TMP/county.git
git init -q --bare "$C"
exits 0 "sync to the county" fq sync -C repo "$C"
ok "a second copy" git clone -q -b QSZ "$C" copy
fq note -C repo "$ID" 电话联系王某甲
fq note -C copy "$(ls copy/cases/2024/03 | sed -n '2s/\.yaml$//p')" 走访邻居
exits 0 "repo syncs" fq sync -C repo
exits 0 "copy syncs: a merge" fq sync -C copy
is "... a merge commit" "$(git -C copy log -1 --format=%p | wc -w)" 2
ok "... signed" verified copy HEAD
is "... working tree clean" "$(clean copy)" ""

# --- what --verify reports --------------------------------------------------
git -C repo -c user.name=张三 -c user.email=zhang@example.org -c commit.gpgSign=false \
	commit -q --allow-empty -m "hand commit"
PLAIN=$(git -C repo rev-parse HEAD)
exits 1 "an unsigned commit made by git" fq check -C repo --verify
like "... its id, author and date" "$(out)" \
	"^commit $PLAIN: unsigned, by 张三 <zhang@example.org> on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5} [-+][0-9]{4}: hand commit$"
is "... only that one" "$(out | wc -l)" 1
like "... counted" "$(err)" '1 problem'
exits 0 "--since it: nothing after" fq check -C repo --verify --since "$PLAIN"

# tampered: a signed commit whose message was changed after signing
git -C repo cat-file commit HEAD~1 | sed 's/^fq-note:/fq-NOTE:/' >tampered
T=$(git -C repo hash-object -t commit -w "$TEST_TMP/tampered")
git -C repo update-ref refs/heads/main "$T"
exits 1 "a tampered commit" fq check -C repo --verify --since HEAD~1
like "... bad signature" "$(out)" "^commit $T: bad signature \(.*\), by 李调解 <li@example.org> on .*: fq-NOTE:"
ok "... git verify-commit agrees" sh -c "! git -C repo verify-commit $T"
exits 0 "fq log shows B" fq log -C repo --show-signature "$ID"
like "... B" "$(out | head -1)" "  B 李调解"

# signed by a key that is not an allowed signer
git -C repo -c user.signingKey="$K/stranger" -c user.name=王五 -c user.email=wang@example.org \
	commit -q --allow-empty -S -m "stranger"
S=$(git -C repo rev-parse HEAD)
exits 1 "an unknown signer" fq check -C repo --verify --since HEAD~1
like "... reported" "$(out)" "^commit $S: unknown signer \(.*allowed signers.*\), by 王五 <wang@example.org>"
exits 1 "the whole history" fq check -C repo --verify
is "... the tampered one and the stranger's (the hand commit was replaced)" "$(out | wc -l)" 2

exits 2 "--since without --verify" fq check -C repo --since HEAD
exits 2 "--since a bad revision" fq check -C repo --verify --since nosuch
git config --global --unset gpg.ssh.allowedSignersFile
exits 1 "no allowed signers file" fq check -C repo --verify
like "... says which setting" "$(err)" 'gpg.ssh.allowedSignersFile is not set'
git config --global gpg.ssh.allowedSignersFile "$K/allowed"

# --- a failed signature commits nothing --------------------------------------
git -C repo reset -q --hard "$PLAIN"
before=$(git -C repo rev-parse HEAD)
git config --global user.signingKey "$K/nosuch"
exits 1 "a missing key" new_case
like "... says so" "$(err)" "^fq-new: cannot sign the commit: user.signingKey '.*/nosuch': No such file or directory"
is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
is "... working tree as HEAD" "$(clean repo)" ""
ok "... no journal left" test ! -e repo/.git/fq/pending
exits 1 "a note with a missing key" fq note -C repo "$ID" 再次联系
is "... the case file as HEAD has it" "$(clean repo)" ""
exits 1 "fq init with a missing key" fq init nokey --unit NKZ --name 无钥镇
ok "... makes no repository" test ! -e nokey
git config --global user.signingKey "$K/clerk"
git config --global gpg.ssh.program false
exits 1 "a signing program that fails" fq note -C repo "$ID" 再次联系
like "... says so" "$(err)" "cannot sign the commit: false failed"
is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
is "... working tree as HEAD" "$(clean repo)" ""
git config --global --unset gpg.ssh.program
git config --global commit.gpgSign true
git config --global gpg.format x509
exits 1 "commit.gpgSign with X.509" fq note -C repo "$ID" 再次联系
like "... says fq signs with OpenPGP or SSH" "$(err)" 'not X.509; set gpg.format to openpgp or ssh'
is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
git config --global gpg.format ssh
git config --global commit.gpgSign false
exits 0 "commit.gpgSign false: no signature" fq note -C repo "$ID" 再次联系
is "... unsigned" "$(git -C repo log -1 --format=%G?)" N
git config --global --unset commit.gpgSign
exits 0 "fq check after all that" fq check -C repo
exits 0 "the working tree still equals HEAD" test -z "$(clean repo)"

# --- gpg.ssh.defaultKeyCommand: no user.signingKey, the key from the agent ---
if command -v ssh-agent >/dev/null 2>&1 && command -v ssh-add >/dev/null 2>&1; then
	eval "$(ssh-agent -s)" >/dev/null
	trap 'kill "$SSH_AGENT_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
	ssh-add -q "$K/clerk" 2>/dev/null
	git config --global --unset user.signingKey
	git config --global gpg.ssh.defaultKeyCommand "ssh-add -L"
	ok "gpg.ssh.defaultKeyCommand, no user.signingKey: the note is signed" sh -c "fq note -C repo '$ID' 又联系 && test \"\$(git -C repo log -1 --format=%G?)\" = G"
	ok "... git verify-commit agrees" verified repo HEAD
	before=$(git -C repo rev-parse HEAD)
	git config --global gpg.ssh.defaultKeyCommand "echo nothing"
	exits 1 "a key command that gives no key" fq note -C repo "$ID" 再次联系
	like "... says so" "$(err)" "gpg.ssh.defaultKeyCommand 'echo nothing' gave no key"
	is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
	is "... working tree as HEAD" "$(clean repo)" ""
	exits 1 "... fq init" fq init nokey --unit NKZ --name 无钥镇
	ok "... makes no repository" test ! -e nokey
	git config --global gpg.ssh.defaultKeyCommand false
	exits 1 "a key command that fails" fq note -C repo "$ID" 再次联系
	like "... says so" "$(err)" "gpg.ssh.defaultKeyCommand 'false' failed"
	git config --global --unset gpg.ssh.defaultKeyCommand
	git config --global user.signingKey "$K/clerk"
	kill "$SSH_AGENT_PID"
else
	_n=$((_n + 1)); echo "ok $_n - # SKIP ssh-agent not installed"
fi

# --- completion ------------------------------------------------------------
if command -v bash >/dev/null 2>&1; then
	cat >"$TEST_TMP/c.sh" <<'EOF'
source "$1"; shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_fq
printf '%s\n' "${COMPREPLY[@]}"
EOF
	c() { (cd repo && bash "$TEST_TMP/c.sh" "$FQ_SOURCE_DIR/completion/fq.bash" "$@"); }
	is "fq check --veri<TAB>" "$(c fq check --veri)" "--verify"
	is "fq check --verify --since <TAB>: branches" "$(c fq check --verify --since ma)" "main"
	is "fq log --show<TAB>" "$(c fq log --show)" "--show-signature"
fi

done_testing
