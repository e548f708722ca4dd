# bash completion for fq(1) and the fq-VERB programs.        -*- sh -*-
#
# Installed as share/bash-completion/completions/fq (bash-completion loads
# it the first time `fq` is completed) with links fq-VERB -> fq for each
# program; or source it from ~/.bashrc.
#
# Everything is read at completion time, so nothing goes stale:
#   commands       `fq --help` (its "commands:" list)
#   options        the usage line(s) of `fq-VERB --help`
#   case IDs       `git ls-tree` of HEAD's cases/ in the repository found
#                  as fq finds it (-C DIR, $FQ_DIR, else the nearest parent
#                  with fq.yaml and .git)
#   codes, labels  the enumerations in $FQ_SCHEMA_DIR, else the schemas
#                  installed beside fq (../share/fq/schemas)
#   filters        of `fq list` and `fq export`: status:CODE … and their
#                  values, overdue, stale, mine

# The values of enumeration $1 (codes and Chinese labels), one a line.
_fq_enum()
{
	local dir f
	dir=$(_fq_schema_dir) || return
	f="$dir/enums/$1.yaml"
	[ -r "$f" ] || return
	awk '
		/^  - code:/ { v = $0; sub(/^  - code:[ \t]*/, "", v); print v }
		/^    label:/ { v = $0; sub(/^    label:[ \t]*/, "", v); print v }
	' "$f" | tr -d "\"'"
}

_fq_schema_dir()
{
	local bin
	if [ -n "${FQ_SCHEMA_DIR:-}" ]; then
		printf '%s\n' "$FQ_SCHEMA_DIR"
		return
	fi
	bin=$(type -P fq 2>/dev/null) || bin=$(type -P fq-list 2>/dev/null) ||
		return 1
	bin=$(readlink -f "$bin" 2>/dev/null || printf '%s' "$bin")
	bin=${bin%/*}
	[ -d "$bin/../share/fq/schemas" ] || return 1
	printf '%s\n' "$bin/../share/fq/schemas"
}

# The repository: -C DIR from the command line, $FQ_DIR, else the nearest
# directory upwards holding fq.yaml and .git.
_fq_repo()
{
	local i d=""
	for ((i = 1; i < ${#_fq_words[@]} - 1; i++)); do
		if [ "${_fq_words[i]}" = -C ]; then
			d=${_fq_words[i + 1]}
			d=${d/#\~/$HOME}
		fi
	done
	[ -z "$d" ] && d=${FQ_DIR:-}
	if [ -n "$d" ]; then
		printf '%s\n' "$d"
		return
	fi
	d=$PWD
	while :; do
		if [ -e "$d/fq.yaml" ] && [ -e "$d/.git" ]; then
			printf '%s\n' "$d"
			return
		fi
		[ -z "$d" ] || [ "$d" = / ] && return 1
		d=${d%/*}
	done
}

# Case IDs of HEAD: names of cases/YYYY/MM/ID.yaml.
_fq_ids()
{
	local repo
	repo=$(_fq_repo) || return
	git -C "$repo" ls-tree -r --name-only HEAD -- cases 2>/dev/null |
		sed -n 's|^cases/[0-9]*/[0-9]*/\(.*\)\.yaml$|\1|p'
}

_fq_verbs()
{
	local fq
	fq=$(type -P fq 2>/dev/null)
	if [ -n "$fq" ]; then
		"$fq" --help 2>/dev/null | awk '
			/^commands:/ { on = 1; next }
			on && /^  [a-z]/ { print $1 }
			on && /^$/ && n++ { on = 0 }'
	fi
	echo help
}

# Options of fq-VERB, from the usage line(s) of its --help.
declare -gA _fq_opts_cache 2>/dev/null || true
_fq_opts()
{
	local verb=$1 prog="fq-$1"
	if [ -z "${_fq_opts_cache[$verb]:-}" ]; then
		_fq_opts_cache[$verb]=$("$prog" --help 2>/dev/null |
			sed -n 's/^ *\(usage\|or\): //p' |
			grep -o -- '-\(-[a-z][a-z0-9-]*\|[A-Za-z]\)\b' |
			sort -u | tr '\n' ' ')
		_fq_opts_cache[$verb]+=" --help --version"
	fi
	printf '%s\n' ${_fq_opts_cache[$verb]}
}

# Which enumeration the argument of option $2 of verb $1 is, or nothing.
_fq_optenum()
{
	case $2 in
	--category) echo categories ;;
	--source) echo sources ;;
	--risk|--color) echo colors ;;
	--complexity) echo complexity ;;
	--kind)
		case $1 in
		note) echo event_kinds ;;
		receive) echo referral_kinds ;;
		esac ;;
	--to|--from|--agency) echo agencies ;;
	--outcome) echo outcomes ;;
	--status) echo states ;;
	--method) echo visit_methods ;;
	--satisfaction) echo satisfaction ;;
	--form) echo agreement_forms ;;
	--channel) echo channels ;;
	--result) echo referral_results ;;
	--route) echo failure_routes ;;
	--role) echo party_roles ;;
	esac
}

# Does option $2 of verb $1 take an argument?  From the usage line:
# "--opt X" or "--opt=X".
_fq_optarg()
{
	[ "$2" = -C ] && return 0
	"fq-$1" --help 2>/dev/null | sed -n 's/^ *\(usage\|or\): //p' |
		grep -q -- "$2[ =][^][ -]"
}

_fq_filter_keys="status: outcome: category: risk: source: agency: mediator: month: accepted: text: overdue stale mine"

# Complete a filter of fq list / fq export.
_fq_filter()
{
	local cur=$1 key val en
	case $cur in
	*:*)
		key=${cur%%:*}
		val=${cur#*:}
		case $key in
		status) en=states ;;
		outcome) en=outcomes ;;
		category) en=categories ;;
		risk) en=colors ;;
		source) en=sources ;;
		agency) en=agencies ;;
		*) return ;;
		esac
		# several values: status:accepted,med
		local pre=""
		case $val in
		*,*) pre=${val%,*},; val=${val##*,} ;;
		esac
		local IFS=$'\n' v
		for v in $(_fq_enum "$en"); do
			case $v in
			"$val"*) COMPREPLY+=("$key:$pre$v") ;;
			esac
		done
		;;
	*)
		local k
		for k in $_fq_filter_keys; do
			case $k in
			"$cur"*) COMPREPLY+=("$k") ;;
			esac
		done
		;;
	esac
}

# Words of the command line with the pieces readline splits at ':'
# joined again (status : med -> status:med), in _fq_words and _fq_cword.
_fq_join_words()
{
	local i w
	_fq_words=()
	_fq_cword=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 1)) && { [ "$w" = : ] || [ "${COMP_WORDS[i - 1]}" = : ]; }; then
			_fq_words[${#_fq_words[@]} - 1]+=$w
		else
			_fq_words+=("$w")
		fi
		((i == COMP_CWORD)) && _fq_cword=$((${#_fq_words[@]} - 1))
	done
	((COMP_CWORD >= ${#COMP_WORDS[@]})) && {
		_fq_words+=("")
		_fq_cword=$((${#_fq_words[@]} - 1))
	}
}

_fq()
{
	local cur prev verb="" i first=1 w cmd
	COMPREPLY=()
	_fq_join_words
	cur=${_fq_words[_fq_cword]}
	prev=""
	((_fq_cword > 0)) && prev=${_fq_words[_fq_cword - 1]}

	# fq-VERB called directly, or fq [-C DIR] VERB
	cmd=${_fq_words[0]##*/}
	if [ "${cmd#fq-}" != "$cmd" ]; then
		verb=${cmd#fq-}
		first=1
	else
		for ((i = 1; i < _fq_cword; i++)); do
			w=${_fq_words[i]}
			if [ "$w" = -C ]; then
				((i++))
				continue
			fi
			case $w in
			-*) ;;
			*) verb=$w; first=$((i + 1)); break ;;
			esac
		done
	fi

	if [ "$prev" = -C ]; then
		COMPREPLY=($(compgen -d -- "$cur"))
		_fq_trim "$cur"
		return
	fi
	if [ -z "$verb" ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W "-C --help --version" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "$(_fq_verbs)" -- "$cur")) ;;
		esac
		return
	fi
	if [ "$verb" = help ]; then
		COMPREPLY=($(compgen -W "$(_fq_verbs)" -- "$cur"))
		return
	fi

	# the argument of an option
	if [ "${prev#-}" != "$prev" ] && _fq_optarg "$verb" "$prev"; then
		local en choices IFS=$'\n'
		en=$(_fq_optenum "$verb" "$prev")
		if [ -n "$en" ]; then
			COMPREPLY=($(compgen -W "$(_fq_enum "$en")" -- "$cur"))
		elif choices=$("fq-$verb" --help 2>/dev/null |
		    sed -n 's/^ *\(usage\|or\): //p' |
		    grep -o -- "$prev [a-z0-9_]*|[a-z0-9_|]*" | head -1) &&
		    [ -n "$choices" ]; then
			# --format table|tsv|csv|json
			choices=${choices#* }
			COMPREPLY=($(compgen -W "$(printf '%s' "$choices" |
				tr '|' '\n')" -- "$cur"))
		elif [ "$prev" = --since ]; then
			# fq check --verify --since REV: a branch or a tag
			local repo
			repo=$(_fq_repo) &&
			COMPREPLY=($(compgen -W "HEAD"$'\n'"$(git -C "$repo" \
				for-each-ref --format='%(refname:short)' \
				refs/heads refs/tags 2>/dev/null)" -- "$cur"))
		elif [ "$prev" = -o ] || [ "$prev" = --rules ]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
	fi
	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$(_fq_opts "$verb")" -- "$cur"))
		return ;;
	esac
	case $verb in
	list|export)
		_fq_filter "$cur"
		_fq_trim "$cur" ;;
	init|import|sync|report|due|check|purge) COMPREPLY=($(compgen -f -- "$cur")) ;;
	new) ;;
	*)
		# the case ID: the first word after the verb that is no option
		# nor an option's argument
		local n=0
		for ((i = first; i < _fq_cword; i++)); do
			w=${_fq_words[i]}
			case $w in
			-*) _fq_optarg "$verb" "$w" && ((i++)) ;;
			*) n=$((n + 1)) ;;
			esac
		done
		((n == 0)) && COMPREPLY=($(compgen -W "$(_fq_ids)" -- "$cur"))
		;;
	esac
}

# When readline split the word at ':', it replaces only the part after the
# last ':': cut that much off the replies.
_fq_trim()
{
	local cur=$1 pre
	[ "${COMP_WORDS[COMP_CWORD]:-}" = "$cur" ] && return
	case $cur in
	*:*) ;;
	*) return ;;
	esac
	pre=${cur%"${cur##*:}"}
	local i
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]#"$pre"}
	done
}

complete -F _fq fq
# The programs themselves: whichever fq-VERB are on PATH now (cheap: one
# PATH lookup), else the known verbs.
_fq_progs=$(compgen -c fq- 2>/dev/null | sort -u)
[ -z "$_fq_progs" ] && _fq_progs="fq-init fq-new fq-show fq-list fq-note fq-accept fq-reject fq-refuse fq-mediate fq-withdraw fq-agree fq-fail fq-close fq-reopen fq-archive fq-merge fq-risk fq-extend fq-refer fq-receive fq-return fq-visit fq-confirm fq-edit fq-log fq-due fq-check fq-import fq-export fq-report fq-sync fq-purge"
complete -F _fq $_fq_progs
unset _fq_progs
