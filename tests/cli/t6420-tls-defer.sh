#!/bin/sh
# The CA certificates (lib/tls.c): libgit2 would parse all of the system's
# as it initializes; fq reads them only before it talks to a remote that is
# not on this machine, and always before the first connection.
# The valgrind twin hides the bundle unless FQ_VG_CERTS is set (valgrind.sh).
FQ_VG_CERTS=1
export FQ_VG_CERTS
. "$(dirname "$0")/lib.sh"
exec </dev/null

CA=/etc/ssl/certs/ca-certificates.crt
if ! command -v strace >/dev/null 2>&1 || [ ! -r "$CA" ]; then
	# strace is in the Makefile's DEPS; without it nothing can be seen
	echo "1..0 # SKIP strace or $CA missing"
	exit 0
fi
if ! strace -f -qq -o /dev/null true 2>/dev/null; then
	# a container without ptrace: strace is there but cannot trace
	echo "1..0 # SKIP strace cannot trace here (no ptrace)"
	exit 0
fi
trace() {	# trace LOG COMMAND...: run it under strace, keep its exit code
	_log=$1
	shift
	strace -f -qq -e trace=openat,connect -o "$_log" "$@"
}

make_repo
A=$(new_case --accepted 2024-03-05)
ok "a case" test -n "$A"

N=$(commits repo)
trace note.log fq note -C repo "$A" 记录一条 >/dev/null
is "fq note works under strace" "$(commits repo)" $((N + 1))
unlike "fq note never opens the CA certificates" "$(cat note.log)" \
	"ca-certificates"
ok "... yet libgit2 was initialized (it read the repository)" \
	grep -q 'objects' note.log
trace show.log fq show -C repo "$A" >/dev/null
unlike "fq show never opens them" "$(cat show.log)" "ca-certificates"

# A local county: no TLS, no certificates.
git init -q --bare county.git
trace local.log fq sync -C repo "$TEST_TMP/county.git" >/dev/null 2>&1
is "fq sync to a path" "$(git -C county.git rev-parse refs/heads/QSZ)" \
	"$(git -C repo rev-parse HEAD)"
unlike "... opens no certificates" "$(cat local.log)" "ca-certificates"

# An https remote (nothing listens on port 9): the certificates are read,
# and read before the connection is tried.
trace https.log fq sync -C repo --no-push https://127.0.0.1:9/county.git \
	>/dev/null 2>"$TEST_TMP/.err"
like "fq sync https://: cannot connect" "$(err)" "127.0.0.1"
first() { grep -n "$1" https.log | head -n 1 | cut -d: -f1; }
ok "... the CA certificates are opened" test -n "$(first ca-certificates)"
ok "... it tried to connect" test -n "$(first 'connect(')"
ok "... certificates first, then the connection" \
	test "$(first ca-certificates)" -lt "$(first 'connect(')"
is "... once" "$(grep -c ca-certificates https.log)" 1
done_testing
