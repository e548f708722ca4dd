#!/bin/sh
# Bash completion (completion/fq.bash): commands, options, option values
# from the schemas, case IDs from the repository, filters of fq list.
. "$(dirname "$0")/lib.sh"

comp="$FQ_SOURCE_DIR/completion/fq.bash"
if ! command -v bash >/dev/null 2>&1; then
	echo "1..0 # SKIP bash is not installed"
	exit 0
fi

fq init repo --unit QSZ --name 青山镇人民调解委员会 --town 青山镇 >/dev/null
fq -C repo new --title 王某甲与王某乙宅基地纠纷 --category 宅基地 --summary 滴水檐 \
	--party 王某甲 --party 王某乙 --accepted 2024-03-05 >/dev/null
fq -C repo new --title 邻里噪音 --category 邻里纠纷 --summary 噪音 \
	--party 张三 --accepted 2024-03-06 >/dev/null

# c WORD...: the completions of the last word, one a line, with the
# command line given as bash would split it (COMP_WORDS, COMP_CWORD).
cat > "$TEST_TMP/c.sh" <<'EOF'
source "$1"; shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_fq
printf '%s\n' "${COMPREPLY[@]}"
EOF
c() {
	bash "$TEST_TMP/c.sh" "$comp" "$@"
}

ok "the file sources cleanly" bash -c "source '$comp'"
is "complete -p fq names the function" \
	"$(bash -c "source '$comp'; complete -p fq")" "complete -F _fq fq"
is "fq-VERB programs are completed too" \
	"$(bash -c "source '$comp'; complete -p fq-note")" "complete -F _fq fq-note"

like "fq <TAB> offers the commands" "$(c fq '' | tr '\n' ' ')" \
	"init new show list note accept"
is "fq li<TAB>" "$(c fq li)" "list"
like "fq -C DIR <TAB>: the commands" "$(c fq -C repo '' | tr '\n' ' ')" "init new show list"
is "fq -C <TAB>: directories" "$(c fq -C rep)" "repo"
is "fq me<TAB>: mediate and merge" "$(c fq me | sort | tr '\n' ' ')" "mediate merge "
is "fq help ag<TAB>" "$(c fq help ag)" "agree"
is "an option, from the usage line of fq-note --help" "$(c fq note --ki)" "--kind"
is "fq-note called directly" "$(c fq-note --pl)" "--place"
like "common options too" "$(c fq list --he)" "--help"
is "--format's choices from the usage line" "$(c fq list --format t | tr '\n' ' ')" \
	"table tsv "

cd repo
is "case IDs from the repository of the current directory" \
	"$(c fq note QSZ | tr '\n' ' ')" "QSZ-2024-000001 QSZ-2024-000002 "
is "only the first argument is a case ID" "$(c fq note QSZ-2024-000001 Q)" ""
is "an option's argument is skipped" \
	"$(c fq note --kind session QSZ-2024-00000 | tr '\n' ' ')" \
	"QSZ-2024-000001 QSZ-2024-000002 "
mkdir -p sub/dir
cd sub/dir
is "found walking up" "$(c fq show QSZ-2024-000002)" "QSZ-2024-000002"
cd "$TEST_TMP"
is "no repository, no IDs" "$(c fq show QSZ)" ""
is "-C DIR names the repository" "$(c fq -C repo show QSZ-2024-000001)" \
	"QSZ-2024-000001"
is "\$FQ_DIR names the repository" \
	"$(FQ_DIR="$TEST_TMP/repo" c fq show QSZ-2024-000001)" "QSZ-2024-000001"

is "a category by its Chinese label" "$(c fq new --category 邻)" "邻里纠纷"
is "a category by its code" "$(c fq new --category neigh)" "neighbor"
like "colours: codes and labels" "$(c fq risk QSZ-2024-000001 --color "" | tr "\n" " ")" \
	"red 红 yellow 黄"

like "fq list offers the filter keys" "$(c fq list '' | tr '\n' ' ')" \
	"status: outcome: category:"
like "and overdue, stale, mine" "$(c fq list '' | tr '\n' ' ')" "overdue stale mine"
is "fq list st -> status:, stale" "$(c fq list st | tr '\n' ' ')" "status: stale "
like "--complexity: codes and labels" "$(c fq new --complexity "" | tr "\n" " ")" \
	"simple 简易 ordinary 一般 complex 复杂"
is "fq accept offers --complexity" "$(c fq accept --compl)" "--complexity"
is "status:med -> status:mediating" "$(c fq list status:med)" "status:mediating"
is "status: by a label" "$(c fq list status:调解)" "status:调解中"
is "a filter after an option and its argument" \
	"$(c fq list --format tsv status:clo)" "status:closed"
is "several values" "$(c fq list status:accepted,med)" "status:accepted,mediating"
# readline splits at ':' (COMP_WORDBREAKS): only the part after it is
# replaced, so the replies lose 'status:'.
is "split at ':' as bash does" "$(c fq list status : med)" "mediating"
like "right after the ':'" "$(c fq list category : | tr '\n' ' ')" "neighbor 邻里纠纷"
is "fq export takes the same filters" "$(c fq export risk:ye)" "risk:yellow"

# Installed where bash-completion looks.
prefix="$TEST_TMP/prefix"
cmake --install "$FQ_BUILD_DIR" --prefix "$prefix" >/dev/null
ok "installed as share/bash-completion/completions/fq" \
	test -f "$prefix/share/bash-completion/completions/fq"
ok "with a link for each fq-VERB" \
	test -L "$prefix/share/bash-completion/completions/fq-note"
if [ -r /usr/share/bash-completion/bash_completion ]; then
	is "bash-completion loads it on demand from XDG_DATA_DIRS" \
		"$(XDG_DATA_DIRS="$prefix/share" bash -c '
			source /usr/share/bash-completion/bash_completion
			__load_completion fq-list; complete -p fq-list' 2>&1)" \
		"complete -F _fq fq-list"
else
	echo "ok $((_n + 1)) # SKIP bash-completion is not installed"
	_n=$((_n + 1))
fi

done_testing
