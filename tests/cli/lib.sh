# lib.sh: a small TAP library for the command tests (after git's
# t/test-lib.sh and mblaze's t/).  Source it, then call ok/is/...; the
# script ends with `done_testing`.
#
# Environment: FQ_BUILD_DIR (the CMake build directory) and FQ_SOURCE_DIR
# are set by CTest.  Every test runs in a fresh temporary directory with
# a pinned clock, a clerk identity, and git isolated from the user's
# configuration.  With FQ_TEST_VALGRIND set (the cli.*.valgrind twins)
# every fq-VERB runs under valgrind memcheck (valgrind.sh).

set -u
: "${FQ_BUILD_DIR:?run through ctest, or set FQ_BUILD_DIR}"
: "${FQ_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
PATH="$FQ_BUILD_DIR/bin:$PATH"
export PATH

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fq-test.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT
HOME="$TEST_TMP/home"
mkdir -p "$HOME"
export HOME
export LC_ALL=C.UTF-8 TZ=Asia/Shanghai
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export FQ_TODAY=2024-03-20 FQ_USER=李调解 FQ_EMAIL=li@example.org
export FQ_LOCK_TIMEOUT=5
unset FQ_DIR NO_COLOR FQ_SCHEMA_DIR VISUAL EDITOR LANGUAGE FQ_LOCALEDIR
cd "$TEST_TMP"
FQ_VG=
[ -z "${FQ_TEST_VALGRIND:-}" ] || . "$FQ_SOURCE_DIR/tests/cli/valgrind.sh"

_n=0
_failed=0

ok() {	# ok DESCRIPTION COMMAND...: the command succeeds
	_d=$1; shift
	_n=$((_n + 1))
	if "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"; then
		echo "ok $_n - $_d"
	else
		echo "not ok $_n - $_d (exit $?)"
		sed 's/^/#   /' "$TEST_TMP/.err" | head -20
		_failed=$((_failed + 1))
	fi
}

exits() {	# exits CODE DESCRIPTION COMMAND...: the command exits CODE
	_want=$1 _d=$2; shift 2
	_n=$((_n + 1))
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	_got=$?
	if [ "$_got" = "$_want" ]; then
		echo "ok $_n - $_d"
	else
		echo "not ok $_n - $_d (exit $_got, want $_want)"
		sed 's/^/#   /' "$TEST_TMP/.err" | head -20
		_failed=$((_failed + 1))
	fi
}

is() {	# is DESCRIPTION GOT WANT
	_n=$((_n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $_n - $1"
	else
		echo "not ok $_n - $1"
		echo "#   got:  '$2'"
		echo "#   want: '$3'"
		_failed=$((_failed + 1))
	fi
}

like() {	# like DESCRIPTION TEXT PATTERN (grep -E)
	_n=$((_n + 1))
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		echo "ok $_n - $1"
	else
		echo "not ok $_n - $1"
		printf '%s\n' "$2" | head -20 | sed 's/^/#   got: /'
		echo "#   want match: $3"
		_failed=$((_failed + 1))
	fi
}

unlike() {	# unlike DESCRIPTION TEXT PATTERN
	_n=$((_n + 1))
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		echo "not ok $_n - $1"
		printf '%s\n' "$2" | grep -E -- "$3" | head -5 | sed 's/^/#   has: /'
		_failed=$((_failed + 1))
	else
		echo "ok $_n - $1"
	fi
}

same_dirs() {	# same_dirs DESCRIPTION DIR-A DIR-B: the same files, byte for byte
	_n=$((_n + 1))
	if diff -r "$2" "$3" >"$TEST_TMP/.diff"; then
		echo "ok $_n - $1"
	else
		echo "not ok $_n - $1"
		head -20 "$TEST_TMP/.diff" | sed 's/^/#   /'
		_failed=$((_failed + 1))
	fi
}

out() { cat "$TEST_TMP/.out"; }
err() { cat "$TEST_TMP/.err"; }

commits() {	# number of commits in repository $1
	git -C "$1" rev-list --count HEAD
}

# A repository with a unit code, in ./repo unless named.
make_repo() {
	fq init "${1:-repo}" --unit "${2:-QSZ}" --name 青山镇人民调解委员会 --town 青山镇 >/dev/null
}

# Register a case and print its ID.
new_case() {
	fq new -C "${REPO:-repo}" --title "${TITLE:-王某甲与王某乙宅基地纠纷}" \
		--category "${CAT:-housing_homestead}" --summary "${SUMMARY:-两家因滴水檐发生争执}" \
		--party 王某甲:申请人:13800000001 --party 王某乙 "$@"
}

# zh_locale: make zh_CN.UTF-8 usable, for zh; false if it cannot be.  A
# machine without it gets one compiled (localedef) into the build tree,
# found through LOCPATH: built beside, then moved, for tests run at once.
zh_locale() {
	ZH_LOCPATH=
	locale -a 2>/dev/null | grep -Eiq '^zh_CN\.utf-?8$' && return 0
	ZH_LOCPATH=$FQ_BUILD_DIR/test-locale
	[ -f "$ZH_LOCPATH/zh_CN.UTF-8/LC_CTYPE" ] && return 0
	command -v localedef >/dev/null 2>&1 &&
		[ -f /usr/share/i18n/locales/zh_CN ] && mkdir -p "$ZH_LOCPATH" &&
		_t=$(mktemp -d "$ZH_LOCPATH/.build.XXXXXX") || return 1
	localedef -i zh_CN -f UTF-8 "$_t/zh_CN.UTF-8" >/dev/null 2>&1
	[ -f "$_t/zh_CN.UTF-8/LC_CTYPE" ] && { mv "$_t/zh_CN.UTF-8" \
		"$ZH_LOCPATH/" 2>/dev/null || [ -f "$ZH_LOCPATH/zh_CN.UTF-8/LC_CTYPE" ]; }
	_r=$?
	rm -rf "$_t"
	return $_r
}

# zh COMMAND...: run it under LANG=zh_CN.UTF-8 (after zh_locale)
zh() {
	env -u LC_ALL -u LC_MESSAGES ${ZH_LOCPATH:+LOCPATH="$ZH_LOCPATH"} \
		LANG=zh_CN.UTF-8 "$@"
}

done_testing() {
	[ -z "$FQ_VG" ] || vg_check
	echo "1..$_n"
	echo "# $((_n - _failed)) passed, $_failed failed"
	[ "$_failed" = 0 ]
}
