# bash completion for vswapctl(8)                                  -*- shell-script -*-
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Self-contained (does not need the bash-completion package). Completes verbs, options,
# cgroup paths (one level at a time, from the cgroup2 mount below --root / $VSWAP_ROOT),
# systemd units and policy names. Keep the verb and option lists in step with vswapctl's
# verb table: completions/test-completions checks them against `vswapctl --help`.

_vswapctl_verbs="status capabilities validate schema set-policy unset-policy show-policy
list-policies cat-config writeback set-max top daemon explain reload metrics run"
_vswapctl_opts="--root --json --unit --runtime --no-reload --force --no-legend --interval
--iterations --policy --property --wait --help --version"
_vswapctl_global_opts="--root --json --help --version"
# The options each verb takes (vswapctl refuses the others for it).
declare -A _vswapctl_verb_opts=(
	[status]="--unit --no-legend" [set-policy]="--unit --runtime --no-reload --force"
	[unset-policy]="--unit --runtime --no-reload" [show-policy]="--unit"
	[list-policies]="--no-legend" [top]="--interval --iterations --no-legend"
	[run]="--policy --property -p --unit --wait"
)
_vswapctl_opts_with_arg="--root --unit --interval --iterations --policy --property -p"
# The policy fields run -p sets (vswap-policy(5), with dots): completions/test-completions
# checks them against `vswapctl schema`.
_vswapctl_fields="description vswap.max zswap.max zswap.writeback writeback.enabled
writeback.amount writeback.max_per_minute writeback.cooldown_s writeback.io_backoff_some_above
writeback.when offload.enabled offload.pressure_target offload.step_percent offload.max_step
offload.interval_s pressure.type pressure.threshold_us pressure.window_us interval_s"

# The root the command line points at: --root DIR (or --root=DIR), else $VSWAP_ROOT; "" is /.
_vswapctl_root() {
	local i root=${VSWAP_ROOT:-}
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--root)
			if [[ ${COMP_WORDS[i + 1]} == = ]]; then
				root=${COMP_WORDS[i + 2]:-}
			else
				root=${COMP_WORDS[i + 1]}
			fi
			;;
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		esac
	done
	[[ $root == "~"* ]] && root=$HOME${root#\~}
	root=${root%/}
	printf '%s' "$root"
}

# The cgroup2 mount point below the root, from its mountinfo; /sys/fs/cgroup if none is found.
_vswapctl_cgroup_mount() {
	local root=$1 mnt=
	if [[ -r $root/proc/self/mountinfo ]]; then
		mnt=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' \
			"$root/proc/self/mountinfo" 2>/dev/null)
	fi
	printf '%s' "$root${mnt:-/sys/fs/cgroup}"
}

# Cgroups one level below what $1 names so far: "/a/b" for a leaf, "/a/b/" for a cgroup
# with children (complete again to descend; vswapctl takes the trailing slash too).
_vswapctl_cgroups() {
	local cur=$1 base dir d name
	base=$(_vswapctl_cgroup_mount "$(_vswapctl_root)")
	[[ $cur == /* ]] || cur=/$cur
	dir=${cur%/*}/
	[[ -d $base$dir ]] || return 0
	for d in "$base$dir"*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		name=$dir${d##*/}
		[[ $name == "$cur"* ]] || continue
		if compgen -G "$d/*/" >/dev/null; then
			printf '%s/\n' "$name"
		else
			printf '%s\n' "$name"
		fi
	done
}

# Units: systemd's (live system only, when systemctl is there), and those with drop-in
# directories below the root (where set-policy --unit writes).
_vswapctl_units() {
	local root d
	root=$(_vswapctl_root)
	if [[ -z $root ]] && command -v systemctl >/dev/null 2>&1; then
		systemctl list-units --all --plain --no-legend 2>/dev/null | awk '{ print $1 }'
	fi
	for d in "$root"/{usr/lib,run,etc}/systemd/system/*.d/; do
		[[ -d $d ]] || continue
		d=${d%/}
		d=${d##*/}
		printf '%s\n' "${d%.d}"
	done
}

# Policy names: the *.json of the three policy directories, masked names left out.
_vswapctl_policies() {
	local root dir f name
	local -A seen=()
	root=$(_vswapctl_root)
	for dir in usr/lib run etc; do # lowest precedence first: a later mask or file wins
		for f in "$root/$dir/vswapd/policies.d/"*.json; do
			[[ -e $f || -L $f ]] || continue
			name=${f##*/}
			name=${name%.json}
			if [[ -L $f && $(readlink "$f") == /dev/null ]]; then
				seen[$name]=masked
			else
				seen[$name]=policy
			fi
		done
	done
	for name in "${!seen[@]}"; do
		[[ ${seen[$name]} == policy ]] && printf '%s\n' "$name"
	done
}

# COMPREPLY: a policy name, or a policy file (anything with a "/" or a leading ".").
_vswapctl_policy_or_file() {
	local cur=$1
	if [[ $cur == */* || $cur == .* ]]; then
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -W "$(_vswapctl_policies)" -- "$cur"))
	fi
}

_vswapctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i w verb= unit= nargs=0 expect_arg= cmd_at=
	COMPREPLY=()

	# "--opt=value" split at "=" by COMP_WORDBREAKS: complete the value of --opt.
	if [[ $cur == = && $prev == --* ]]; then
		prev=$prev=
		cur=
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}=
	fi

	# The verb, --unit, and how many arguments the verb already has; run: where COMMAND
	# begins (its first argument, or the word after "--"): the words from there are its own.
	for ((i = 1; i < COMP_CWORD && ${#cmd_at} == 0; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -n $expect_arg ]]; then
			[[ $expect_arg == --unit ]] && unit=$w
			[[ $w == = ]] && continue
			# -p KEY=VALUE: bash splits it at "=" into KEY, "=", VALUE (the word being
			# completed, maybe: then nothing is offered, the value being the field's)
			if [[ ($expect_arg == -p || $expect_arg == --property) &&
				${COMP_WORDS[i + 1]:-} == = ]]; then
				((i + 2 >= COMP_CWORD)) && break
				i=$((i + 2))
			fi
			expect_arg=
			continue
		fi
		case $w in
		--unit=*) unit=${w#--unit=} ;;
		--) [[ $verb == run ]] && cmd_at=$((i + 1)) ;;
		--*=*) ;;
		--* | -p)
			[[ " $_vswapctl_opts_with_arg " == *" $w "* ]] && expect_arg=$w
			;;
		-*) ;;
		*)
			if [[ -z $verb ]]; then
				verb=$w
			elif [[ $verb == run ]]; then
				cmd_at=$i
			else
				nargs=$((nargs + 1))
			fi
			;;
		esac
	done

	# run: COMMAND (a word that is no option nor an option's value), then its arguments.
	[[ $verb == run && -z $cmd_at && -z $expect_arg && $cur != -* ]] && cmd_at=$COMP_CWORD
	if [[ -n $cmd_at ]]; then
		if ((COMP_CWORD == cmd_at)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			compopt -o filenames 2>/dev/null || :
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return 0
	fi

	case $prev in
	--root | --root=)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	--unit | --unit=)
		[[ $verb == run ]] && return 0 # a new scope's name
		COMPREPLY=($(compgen -W "$(_vswapctl_units)" -- "$cur"))
		return 0
		;;
	--policy | --policy=)
		_vswapctl_policy_or_file "$cur"
		return 0
		;;
	-p | --property | --property=)
		[[ $cur == *=* ]] && return 0 # the value: the field's own
		COMPREPLY=($(compgen -W "$_vswapctl_fields" -S = -- "$cur"))
		compopt -o nospace 2>/dev/null || :
		return 0
		;;
	--interval | --interval= | --iterations | --iterations=)
		return 0
		;;
	esac

	if [[ $cur == -* ]]; then
		if [[ -n $verb ]]; then
			COMPREPLY=($(compgen -W "$_vswapctl_global_opts ${_vswapctl_verb_opts[$verb]:-}" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_vswapctl_opts" -- "$cur"))
		fi
		return 0
	fi
	if [[ -z $verb ]]; then
		COMPREPLY=($(compgen -W "$_vswapctl_verbs" -- "$cur"))
		return 0
	fi

	local what=
	case $verb in
	status) what=cgroup ;;
	explain | writeback | set-max) ((nargs == 0)) && what=cgroup ;;
	show-policy | unset-policy) [[ -z $unit ]] && ((nargs == 0)) && what=cgroup ;;
	set-policy)
		if [[ -n $unit ]]; then
			((nargs == 0)) && what=policy
		elif ((nargs == 0)); then
			what=cgroup
		elif ((nargs == 1)); then
			what=policy
		fi
		;;
	validate) what=file ;;
	esac
	[[ $verb == set-max && $nargs -eq 1 ]] && what=max

	case $what in
	cgroup)
		COMPREPLY=($(_vswapctl_cgroups "$cur"))
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null || :
		;;
	policy)
		_vswapctl_policy_or_file "$cur"
		;;
	file)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	max)
		COMPREPLY=($(compgen -W "max" -- "$cur"))
		;;
	esac
	return 0
}

complete -F _vswapctl vswapctl
