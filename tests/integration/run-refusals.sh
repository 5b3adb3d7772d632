#!/usr/bin/env bash
# vswapctl run on the host, where it must refuse before anything starts: usage, --root, each
# -p field through the policy field table, a bad policy FILE, and this host itself (no vswapd
# here; on a hybrid host libcgroup's view of the memory controller, a cgroup v1 hierarchy).
# No cgroup, no daemon, no VM: the command it is given would leave a file, and never may.
#
#   tests/integration/run-refusals.sh VSWAPCTL
set -euo pipefail
vswapctl=$1
T=$(mktemp -d /tmp/vswapctl-run.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
# refused RC PATTERN ARGS...: vswapctl ARGS exits RC, says PATTERN, and its command never ran
refused() {
	local want=$1 pattern=$2 got=0
	shift 2
	"$vswapctl" "$@" >"$T/out" 2>"$T/err" || got=$?
	if [ "$got" = "$want" ] && grep -q -e "$pattern" "$T/err" && [ ! -e "$T/ran" ]; then
		echo "PASS: vswapctl $* -> $got: $(head -n 1 "$T/err")"
	else
		echo "FAIL: vswapctl $* -> $got (wanted $want, saying '$pattern'):"
		sed 's/^/  /' "$T/err" "$T/out"
		failures=$((failures + 1))
	fi
}
ran=(touch "$T/ran")

refused 2 'wrong number of arguments' run --policy batch
refused 2 'name a policy' run -- "${ran[@]}"
refused 2 'cannot apply' --root "$T" run -p vswap.max=1G -- "${ran[@]}"
VSWAP_ROOT=$T refused 2 'cannot apply' run -p vswap.max=1G -- "${ran[@]}"
refused 2 '"lots" is not a size' run -p vswap.max=lots -- "${ran[@]}"
refused 2 'out of range \[0, 3600\]' run -p writeback.cooldown_s=4000 -- "${ran[@]}"
refused 2 'expected true or false' run -p writeback.enabled=yes -- "${ran[@]}"
refused 2 'did you mean "vswap.max"?' run -p vswap.maxx=1G -- "${ran[@]}"
refused 2 'expected KEY=VALUE' run -p vswap.max -- "${ran[@]}"
refused 2 'matches its own cgroup' run -p match.cgroup=/x -- "${ran[@]}"
refused 2 'pressure/threshold_us: threshold (2000000 us) longer than the window' \
	run -p pressure.threshold_us=2000000 -- "${ran[@]}"
refused 2 'run starts a scope' run --unit app.service -p vswap.max=1G -- "${ran[@]}"
refused 2 'not a unit name' run --unit 'a b' -p vswap.max=1G -- "${ran[@]}"
refused 2 'not a policy name' run --policy '.hidden' -- "${ran[@]}"
refused 2 'does not apply to it' status --policy batch
refused 2 'does not apply to it' run --runtime -p vswap.max=1G -- "${ran[@]}"
printf '{ "schema_version": 1,\n  "vswap": { "max": "lots" } }\n' >"$T/bad.json"
refused 1 "$T/bad.json:2:[0-9]*: vswap/max" run --policy "$T/bad.json" -- "${ran[@]}"
# The verb's options end at COMMAND: "--wait" after it is COMMAND's, so this is no usage
# error but the refusal of this host (below).
# This host: where systemd is not init, libcgroup must find the memory controller on
# cgroup2 (refused by name on a hybrid host); everywhere, vswapd must be running.
if [ ! -d /run/systemd/system ] && awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { f = 1 } END { exit !f }' /proc/mounts; then
	why='libcgroup finds the memory controller on a cgroup v1 hierarchy at .* (a hybrid host)'
else
	why='vswapd is not running'
fi
refused 1 "$why" run -p vswap.max=1G -- "${ran[@]}" --wait
[ "$failures" = 0 ] && echo "run-refusals: all passed"
[ "$failures" = 0 ]
