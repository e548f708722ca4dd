#!/bin/sh
# OpenPGP-signed commits (git's default gpg.format): with a gpg key as
# user.signingKey every commit fq makes is signed by gpg -bsau, so that
# git verify-commit accepts it; fq check --verify and fq log
# --show-signature read gpg's status lines as git does (good, unsigned,
# bad, unknown signer, trust below gpg.minTrustLevel, expired, revoked);
# SSH and OpenPGP commits in one history both verify; a missing secret
# key or a failing gpg commits nothing.
. "$(dirname "$0")/lib.sh"
exec </dev/null

if ! command -v gpg >/dev/null 2>&1 || ! command -v gpgconf >/dev/null 2>&1; then
	echo "1..0 # SKIP gpg (Debian: gnupg) is not installed"
	exit 0
fi

GIT_CONFIG_GLOBAL=$HOME/.gitconfig
export GIT_CONFIG_GLOBAL
: >"$GIT_CONFIG_GLOBAL"
# two keyrings: the clerk's, and a stranger's the clerk's does not know
G=$(mktemp -d "$TEST_TMP/g.XXXXXX")
G2=$(mktemp -d "$TEST_TMP/s.XXXXXX")
chmod 700 "$G" "$G2"
GNUPGHOME=$G
export GNUPGHOME
trap 'GNUPGHOME=$G gpgconf --kill all; GNUPGHOME=$G2 gpgconf --kill all; rm -rf "$TEST_TMP"' EXIT
genkey() {	# genkey HOME UID [EXPIRY]
	GNUPGHOME=$1 gpg --batch --passphrase '' --quick-gen-key "$2" ed25519 sign "${3:-never}" 2>/dev/null ||
		GNUPGHOME=$1 gpg --batch --passphrase '' --quick-gen-key "$2" rsa2048 sign "${3:-never}" 2>/dev/null
}
fpr() {		# fpr HOME UID: the key's fingerprint
	GNUPGHOME=$1 gpg --batch --with-colons --list-keys "$2" | awk -F: '$1 == "fpr" { print $10; exit }'
}
ok "a clerk's key" genkey "$G" 'Clerk <clerk@example.org>'
ok "a stranger's key" genkey "$G2" 'Stranger <stranger@example.org>'
CLERK=$(fpr "$G" clerk@example.org)
git config --global user.signingKey "$CLERK"

verified() {	# verified DIR REV: git verify-commit accepts it
	git -C "$1" verify-commit "$2" 2>/dev/null
}
mark() { git -C "$1" log -1 --format=%G? "$2"; }
clean() { git -C "$1" status --porcelain --untracked-files=all; }

# --- every commit fq makes is signed ---------------------------------------
exits 0 "fq init with a gpg key (gpg.format unset: openpgp)" \
	fq init repo --unit QSZ --name 青山镇人民调解委员会
ok "... the first commit is signed" verified repo HEAD
like "... an OpenPGP signature" "$(git -C repo cat-file commit HEAD)" '^gpgsig -----BEGIN PGP SIGNATURE-----'
is "... git's mark" "$(mark repo HEAD)" G
is "... the reflog says what libgit2 says" "$(git -C repo reflog -1 --format=%gs)" \
	"commit (initial): fq-init: QSZ 青山镇人民调解委员会"
ID=$(new_case --accepted 2024-03-05)
ok "fq new: signed" verified repo HEAD
is "... the branch moved" "$(git -C repo rev-parse refs/heads/main)" "$(git -C repo rev-parse HEAD)"
is "... working tree clean" "$(clean repo)" ""
exits 0 "fq mediate" fq mediate -C repo "$ID" --mediator 张调解
ok "... signed" verified repo HEAD
{
	echo '序号,受理日期,当事人,纠纷类型,纠纷简要情况,调解员'
	i=1
	while [ $i -le 70 ]; do
		echo "$i,2024年3月$((i % 28 + 1))日,王某$i,邻里纠纷,两家因围墙发生争执,李某"
		i=$((i + 1))
	done
} >big.csv
exits 0 "fq import of 70 rows (the bulk commit)" fq import -C repo big.csv
like "... one commit" "$(git -C repo log -1 --format=%s)" '^fq-import: 70 new'
ok "... signed" verified repo HEAD
is "... working tree clean" "$(clean repo)" ""

# a sync merge is signed too
C=$TEST_TMP/county.git
git init -q --bare "$C"
exits 0 "sync to the county" fq sync -C repo "$C"
ok "a second copy" git clone -q -b QSZ "$C" copy
fq note -C copy "$(ls copy/cases/2024/03 | sed -n '2s/\.yaml$//p')" 走访邻居 >/dev/null
exits 0 "a note in the copy, synced" fq sync -C copy
fq note -C repo "$ID" 电话联系王某甲 >/dev/null
exits 0 "repo syncs: a merge" fq sync -C repo
is "... a merge commit" "$(git -C repo log -1 --format=%p | wc -w)" 2
ok "... signed" verified repo HEAD
is "... working tree clean" "$(clean repo)" ""

exits 0 "fq check --verify: all good, no allowed signers file needed" fq check -C repo --verify
like "... counts the commits" "$(err)" '7 commits verified, 0 problems'
exits 0 "fq log --show-signature" fq log -C repo --show-signature "$ID"
like "... G" "$(out | head -1)" "^[0-9]{4}-.* [0-9a-f]{10}  G 李调解 <li@example.org>  fq-note: "

# commit.gpgSign without user.signingKey: the committer is the key, as git
git config --global --unset user.signingKey
git config --global commit.gpgSign true
exits 0 "commit.gpgSign, no key: signed as the committer" \
	env FQ_USER=Clerk FQ_EMAIL=clerk@example.org fq note -C repo "$ID" 电话联系王某甲
ok "... signed" verified repo HEAD
exits 1 "... a committer gpg has no key for" fq note -C repo "$ID" 电话联系王某乙
like "... says which key" "$(err)" "gpg failed: no secret key for '李调解 <li@example.org>'"
git config --global --unset commit.gpgSign
git config --global user.signingKey clerk@example.org

# --- SSH and OpenPGP in one history ------------------------------------------
if command -v ssh-keygen >/dev/null 2>&1; then
	K=$TEST_TMP/keys
	mkdir -p "$K"
	ssh-keygen -q -t ed25519 -N '' -C wang -f "$K/wang"
	git -C repo -c gpg.format=ssh -c user.signingKey="$K/wang" -c user.name=王文书 \
		-c user.email=wang@example.org commit -q --allow-empty -S -m "ssh-signed"
	is "an SSH-signed commit on top" "$(git -C repo cat-file commit HEAD | sed -n 's/^gpgsig //p')" \
		"-----BEGIN SSH SIGNATURE-----"
	exits 1 "SSH without allowed signers: --verify fails" fq check -C repo --verify
	like "... says which setting" "$(err)" 'gpg.ssh.allowedSignersFile is not set'
	echo "wang@example.org $(cat "$K/wang.pub")" >"$K/allowed"
	git config --global gpg.ssh.allowedSignersFile "$K/allowed"
	exits 0 "both kinds verify" fq check -C repo --verify
	like "... all of them" "$(err)" '9 commits verified, 0 problems'
	exits 0 "--since HEAD~2: one of each" fq check -C repo --verify --since HEAD~2
	like "... two" "$(err)" '2 commits verified, 0 problems'
else
	_n=$((_n + 1)); echo "ok $_n - # SKIP ssh-keygen not installed"
fi
GOOD=$(git -C repo rev-parse HEAD)

# --- what --verify reports --------------------------------------------------
git -C repo -c user.name=张三 -c user.email=zhang@example.org -c commit.gpgSign=false \
	commit -q --allow-empty -m "hand commit"
PLAIN=$(git -C repo rev-parse HEAD)
exits 1 "an unsigned commit" fq check -C repo --verify --since "$GOOD"
like "... reported" "$(out)" "^commit $PLAIN: unsigned, by 张三 <zhang@example.org> on [0-9-]{10} [0-9:]{5} [-+][0-9]{4}: hand commit$"
like "... counted" "$(err)" '1 commit verified, 1 problem$'
git -C repo reset -q --hard "$GOOD"

# tampered: a note's message changed after it was signed, gpgsig kept
exits 0 "a note" fq note -C repo "$ID" 走访邻居
git -C repo cat-file commit HEAD | sed 's/^fq-note:/fq-NOTE:/' >tampered
T=$(git -C repo hash-object -t commit -w --stdin <tampered)
git -C repo update-ref refs/heads/main "$T"
ok "... git verify-commit refuses it" sh -c "! git -C repo verify-commit $T 2>/dev/null"
exits 1 "a tampered commit" fq check -C repo --verify --since HEAD~1
like "... bad signature, by which key" "$(out)" \
	"^commit $T: bad signature \(key [0-9A-F]{16}, Clerk <clerk@example.org>\), by 李调解 <li@example.org> on .*: fq-NOTE:"
exits 0 "fq log shows B" fq log -C repo --show-signature "$ID"
like "... B" "$(out | head -1)" "  B 李调解"
git -C repo reset -q --hard HEAD~1

# signed by a key the clerk's keyring does not have
git config --global user.signingKey stranger@example.org
exits 0 "a stranger signs a note (her own keyring)" env GNUPGHOME="$G2" fq note -C repo "$ID" 再次联系
S=$(git -C repo rev-parse HEAD)
git config --global user.signingKey clerk@example.org
is "... git says it cannot check it" "$(mark repo HEAD)" E
exits 1 "an unknown signer" fq check -C repo --verify --since HEAD~1
like "... reported" "$(out)" "^commit $S: unknown signer \(key [0-9A-F]{16} is not in gpg's keyring\), by 李调解"
exits 0 "fq log shows U" fq log -C repo --show-signature "$ID"
like "... U" "$(out | head -1)" "  U 李调解"

# her public key imported, not certified: trust undefined, which git's
# default gpg.minTrustLevel (undefined) takes
GNUPGHOME=$G2 gpg --batch --export stranger@example.org | gpg --batch --import 2>/dev/null
ok "... imported: git verify-commit takes it" verified repo HEAD
exits 0 "... and so does fq check --verify" fq check -C repo --verify --since HEAD~1
git config --global gpg.minTrustLevel marginal
ok "gpg.minTrustLevel marginal: git refuses it" sh -c "! git -C repo verify-commit HEAD 2>/dev/null"
exits 1 "... and fq check --verify" fq check -C repo --verify --since HEAD~1
like "... says why" "$(out)" "^commit $S: unknown signer \(key [0-9A-F]{16}, Stranger <stranger@example.org>: trust undefined, below gpg.minTrustLevel marginal\)"
exits 1 "... the clerk's own key, trusted ultimately, still passes" fq check -C repo --verify --since HEAD~2 --quiet
is "... only the stranger's is reported" "$(out | wc -l)" 1
git config --global gpg.minTrustLevel nosuch
exits 1 "a gpg.minTrustLevel that is no level" fq check -C repo --verify
like "... says so" "$(err)" "gpg.minTrustLevel: not a trust level: 'nosuch'"
git config --global --unset gpg.minTrustLevel

# her key revoked (the certificate gpg made with it, imported)
sed 's/^:-----BEGIN/-----BEGIN/' "$G2"/openpgp-revocs.d/*.rev | gpg --batch --import 2>/dev/null
is "a revoked key: git's mark" "$(mark repo HEAD)" R
exits 1 "... fq check --verify" fq check -C repo --verify --since HEAD~1
like "... revoked key" "$(out)" "^commit $S: revoked key \(key [0-9A-F]{16}, Stranger <stranger@example.org>\)"
exits 0 "fq log shows R" fq log -C repo --show-signature "$ID"
like "... R" "$(out | head -1)" "  R 李调解"
git -C repo reset -q --hard HEAD~1

# an expired signature, and a key that has expired since it signed
cat >"$TEST_TMP/gpg-expiring" <<'EOF'
#!/bin/sh
exec gpg --default-sig-expire seconds=3 "$@"
EOF
chmod +x "$TEST_TMP/gpg-expiring"
ok "a key that expires in 3 seconds" genkey "$G" 'Old <old@example.org>' seconds=3
git -C repo -c user.name=李调解 -c user.email=li@example.org -c user.signingKey=old@example.org commit -q --allow-empty -S -m "by a key that expires"
Y=$(git -C repo rev-parse HEAD)
git -C repo -c user.name=李调解 -c user.email=li@example.org -c gpg.program="$TEST_TMP/gpg-expiring" commit -q --allow-empty -S -m "a signature that expires"
X=$(git -C repo rev-parse HEAD)
sleep 4
is "git's marks: X, Y" "$(git -C repo log -2 --format=%G?)" "X
Y"
exits 1 "fq check --verify" fq check -C repo --verify --since HEAD~2
like "... an expired signature" "$(out)" "^commit $X: expired signature \(key [0-9A-F]{16}, Clerk <clerk@example.org>\)"
is "... the expired key's good signature is no problem (as current git)" "$(out | wc -l)" 1
git -C repo reset -q --hard "$GOOD"

# --- a failed signature commits nothing --------------------------------------
before=$(git -C repo rev-parse HEAD)
git config --global user.signingKey nosuch@example.org
exits 1 "a key gpg does not have" new_case
like "... says so" "$(err)" "^fq-new: cannot sign the commit: gpg failed: no secret key for 'nosuch@example.org' in gpg's keyring \(nothing was committed\)$"
is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
is "... working tree as HEAD" "$(clean repo)" ""
ok "... no journal left" test ! -e repo/.git/fq/pending
exits 1 "a note with that key" fq note -C repo "$ID" 再次联系
is "... the case file as HEAD has it" "$(clean repo)" ""
exits 1 "fq init with that key" fq init nokey --unit NKZ --name 无钥镇
like "... says so" "$(err)" "no secret key for 'nosuch@example.org'"
ok "... makes no repository" test ! -e nokey
# commit.gpgSign and no key: the committer is the key, checked first too
git config --global --unset user.signingKey
git config --global commit.gpgSign true
exits 1 "fq init, commit.gpgSign, a committer gpg has no key for" \
	env FQ_USER=无钥 FQ_EMAIL=nokey@example.org \
	fq init nokey --unit NKZ --name 无钥镇
like "... says whose key" "$(err)" "no secret key for '无钥 <nokey@example.org>'"
ok "... makes no repository" test ! -e nokey
exits 0 "... and with the clerk's own key, it does" \
	env FQ_USER=Clerk FQ_EMAIL=clerk@example.org \
	fq init withkey --unit WKZ --name 有钥镇
ok "... signed" verified withkey HEAD
git config --global --unset commit.gpgSign
git config --global user.signingKey clerk@example.org
git config --global gpg.program false
exits 1 "a gpg that fails" fq note -C repo "$ID" 再次联系
like "... says so" "$(err)" "cannot sign the commit: false failed"
is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
is "... working tree as HEAD" "$(clean repo)" ""
# a gpg that exits 0 but never says SIG_CREATED
cat >"$TEST_TMP/gpg-quiet" <<'EOF'
#!/bin/sh
gpg "$@" 2>/dev/null
EOF
chmod +x "$TEST_TMP/gpg-quiet"
git config --global gpg.openpgp.program "$TEST_TMP/gpg-quiet"
exits 1 "gpg.openpgp.program, first: no SIG_CREATED, no commit" fq note -C repo "$ID" 再次联系
is "... nothing committed" "$(git -C repo rev-parse HEAD)" "$before"
git config --global --unset gpg.openpgp.program
git config --global --unset gpg.program
git config --global commit.gpgSign false
exits 0 "commit.gpgSign false: no signature" fq note -C repo "$ID" 再次联系
is "... unsigned" "$(mark repo HEAD)" N
git config --global --unset commit.gpgSign
exits 0 "a signed one again" fq note -C repo "$ID" 又联系
is "... G" "$(mark repo HEAD)" G
# a gpg that says GOODSIG but exits 2 is not believed (git wants exit 0 too)
cat >"$TEST_TMP/gpg-liar" <<'END'
#!/bin/sh
for a; do
	if [ "$a" = --verify ]; then
		echo '[GNUPG:] NEWSIG'
		echo '[GNUPG:] GOODSIG 0123456789ABCDEF Clerk <clerk@example.org>'
		echo '[GNUPG:] TRUST_ULTIMATE 0 pgp'
		exit 2
	fi
done
exec gpg "$@"
END
chmod +x "$TEST_TMP/gpg-liar"
git config --global gpg.program "$TEST_TMP/gpg-liar"
exits 1 "a gpg that says GOODSIG and exits 2: not good" \
	fq check -C repo --verify --since HEAD~1
like "... says why" "$(out)$(err)" "said the signature is good but exited 2"
git config --global --unset gpg.program
exits 0 "fq check after all that" fq check -C repo

done_testing
