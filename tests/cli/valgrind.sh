# valgrind.sh: run a CLI test's fq commands under valgrind memcheck.
# lib.sh sources this when FQ_TEST_VALGRIND is set (the cli.*.valgrind
# twins of CTest; by hand: FQ_TEST_VALGRIND=1 FQ_BUILD_DIR=build sh
# tests/cli/t1100-new.sh).
#
# Every fq-VERB of the build gets a wrapper in $TEST_TMP/.vg/bin, first
# on PATH, that execs the real program under valgrind.  fq, the
# dispatcher, is a copy of the real one in the same directory, so the
# fq-VERB it execs "beside itself" is the wrapper; the dispatcher itself
# runs natively when it is going to exec a verb (it allocates nothing,
# and valgrind checks no leaks across an exec), under valgrind otherwise
# (--help, --version, help VERB, a bad option or verb).  valgrind follows
# an exec of a program of the build (--trace-children) but not git, sh,
# an editor or anything else: --trace-children-skip names the system
# directories and $TEST_TMP, where the tests keep their stubs and where
# these wrappers live (a wrapper reached that way starts its own
# valgrind).
#
# Leaks: definite and indirect ones are errors (memory we lost every
# pointer to, and what only it pointed to).  "Possible" leaks are interior
# pointers and "still reachable" is what libgit2, glibc and our caches
# hold at exit; neither is lost, and a command that exits need not free
# them.  This is the rule of the unit twins too.
#
# Each run logs to its own file; vg_check, at done_testing, fails the test
# once for each log with an error, naming the command and showing the log.
# A run killed on purpose (FQ_FAULT, kill -9) leaves a log without its
# summary: it is counted, not failed.
#
# FQ_VG is set for a test to give a timing-sensitive step room.  A loop
# that runs the same command lines many times (the lifecycle matrix) sets
# FQ_VG_ONCE=1 around it: then a command line that ran under valgrind
# once in this test (same program, same arguments with case IDs read as
# one, same FQ_* environment) runs natively when it comes again.

FQ_VG=1
_vg=$TEST_TMP/.vg
mkdir -p "$_vg/bin" "$_vg/log" "$_vg/seen"
ln -s "$FQ_BUILD_DIR/share" "$_vg/share"
cp "$FQ_BUILD_DIR/bin/fq" "$_vg/bin/fq.real"
_vg_skip="/bin/*,/sbin/*,/usr/*,/lib/*,/lib64/*,/etc/*,/opt/*,$TEST_TMP/*"
_vg_opts="--trace-children=yes --trace-children-skip=$_vg_skip"
_vg_opts="$_vg_opts --child-silent-after-fork=yes --num-callers=30"
_vg_opts="$_vg_opts --leak-check=full --show-leak-kinds=definite,indirect"
_vg_opts="$_vg_opts --errors-for-leak-kinds=definite,indirect"
_vg_opts="$_vg_opts --error-exitcode=99"
_vg_opts="$_vg_opts --suppressions=$FQ_SOURCE_DIR/tests/cli/valgrind.supp"

# libgit2 (with mbedTLS, as Debian builds it) parses the whole CA bundle
# in git_libgit2_init: some 50 million instructions, two thirds of an fq
# show, a sixth of its time under valgrind.  No test uses TLS: where we
# may (root, as in CI), valgrind runs in a mount namespace of its own
# where the bundle is /dev/null.  FQ_VG_CERTS=1 keeps it.
_vg_crt=/etc/ssl/certs/ca-certificates.crt
_vg_ns=
printf '#!/bin/sh\nmount --bind /dev/null %s && exec "$@"\n' "$_vg_crt" >"$_vg/ns"
chmod +x "$_vg/ns"
if [ -f "$_vg_crt" ] && [ -z "${FQ_VG_CERTS:-}" ] &&
    unshare -m "$_vg/ns" true 2>/dev/null; then
	_vg_ns="unshare -m $_vg/ns"
fi

# The command run as "$@" from a wrapper: fd 9, opened for appending, is
# the log, so that a program the first one execs writes after it.
cat >"$_vg/run" <<EOF
if [ -n "\${FQ_VG_ONCE:-}" ]; then
	_k=\$( (printf '%s\\n' "\$@"; env | grep '^FQ_' | grep -v '^FQ_VG_ONCE=' | sort) |
		sed 's/[A-Z][A-Z]*-[0-9]\\{4\\}-[0-9]\\{6\\}/ID/g' | cksum | tr ' ' -)
	mkdir "$_vg/seen/\$_k" 2>/dev/null || exec "\$@"
fi
exec 9>>"$_vg/log/\$\$.log"
exec $_vg_ns valgrind $_vg_opts --log-fd=9 "\$@"
EOF
for _p in "$FQ_BUILD_DIR"/bin/fq-*; do
	[ -x "$_p" ] || continue
	printf '#!/bin/sh\nset -- "%s" "$@"\n. "%s"\n' "$_p" "$_vg/run" \
		>"$_vg/bin/${_p##*/}"
	chmod +x "$_vg/bin/${_p##*/}"
done
# shellcheck disable=SC2016
cat >"$_vg/bin/fq" <<EOF
#!/bin/sh
# the verb: after any -C DIR and other options
_v=
for _a; do
	case \$_a in
	-C) _skip=1; continue ;;
	-*) ;;
	*) if [ -n "\${_skip:-}" ]; then _skip=; continue; fi
	   _v=\$_a; break ;;
	esac
done
case \$_v in
''|help|*/*) ;;
*) [ -x "$_vg/bin/fq-\$_v" ] && exec "$_vg/bin/fq.real" "\$@" ;;
esac
set -- "$_vg/bin/fq.real" "\$@"
. "$_vg/run"
EOF
chmod +x "$_vg/bin/fq"
PATH="$_vg/bin:$PATH"
export PATH
unset _p

# One "not ok" per log with errors: its commands, then the log.
vg_check() {
	_vg_runs=0
	for _l in "$_vg"/log/*.log; do
		[ -f "$_l" ] || continue
		_vg_runs=$((_vg_runs + $(grep -c '== Command: ' "$_l")))
		grep -Eq '== ERROR SUMMARY: [1-9]' "$_l" || continue
		_n=$((_n + 1))
		_failed=$((_failed + 1))
		echo "not ok $_n - valgrind found errors in:" \
			"$(sed -n 's/^==[0-9]*== Command: //p' "$_l" |
				awk 'NR > 1 { printf " -> " } { printf "%s", $0 }')"
		grep -v '^==[0-9]*== *$' "$_l" | head -150 | sed 's/^/#   /'
	done
	echo "# valgrind: $_vg_runs programs ran under memcheck"
}
