#!/usr/bin/env bash
# vswapd under injected faults (tests/fault/fault.c) on copies of a captured patched-kernel
# tree. Each scenario runs the daemon for a few sampling rounds with faults on app-a's files
# and asserts: the faults fired, repeatedly; the daemon stays up and answers `vswapctl daemon`
# and `explain`; each (cgroup, knob, errno) is logged once however often it recurs; no knob
# gets a value it should not have (app-b, unmanaged, is never touched); SIGTERM exits 0.
#
#   tests/fault/fault.sh VSWAPD VSWAPCTL FIXTURE_DIR FAULT_SO
#
# Env: VSWAP_ASAN_RUNTIME, set by a VSWAP_SANITIZE build of gcc: the ASan runtime, preloaded
# ahead of the shim because it must come first in the link order.
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3 shim=$4
preload=${VSWAP_ASAN_RUNTIME:+$VSWAP_ASAN_RUNTIME:}$shim
W=$(mktemp -d /tmp/vswapd-fault.XXXXXX)
TEST_NAME=fault.sh DAEMON_LOG="$W/log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$W")
fail_context() {
	echo "--- scenario: $scenario; injected faults (first 20)"
	head -n 20 "$W/faults" || true
}
R=$W/root
scenario=
ctl() { "$vswapctl" --root "$R" "$@"; }
A=sys/fs/cgroup/workload.slice/app-a.service
B=sys/fs/cgroup/workload.slice/app-b.service
knob() { cat "$R/$A/$1"; }

# start FAULTS POLICY_JSON [N]: a fresh copy of the tree (plus N copies of app-b named
# many-NN), the policy, vswapd with faults.
start() {
	rm -rf "$R" "$W/log" "$W/faults"
	mkdir -p "$R"
	cp -a "$fixture/." "$R/"
	for ((i = 0; i < ${3:-0}; i++)); do
		cp -a "$R/$B" "$R/sys/fs/cgroup/workload.slice/many-$i"
	done
	mkdir -p "$R/etc/vswapd/policies.d"
	printf '%s\n' "$2" >"$R/etc/vswapd/policies.d/app-a.json"
	: >"$W/faults"
	VSWAP_FAULTS=$1 VSWAP_FAULT_LOG=$W/faults LD_PRELOAD=$preload \
		"$vswapd" --root "$R" --log-level info >"$W/log" 2>&1 &
	pid=$!
	wait_for 10 test -S "$R/run/vswapd/control" || fail "no control socket"
}
# stop: the daemon must still be running, answer both read verbs, and exit 0 on SIGTERM.
stop() {
	kill -0 "$pid" 2>/dev/null || fail "vswapd died"
	ctl --json daemon >"$W/daemon.json" || fail "vswapctl daemon got no answer"
	if jq -e '.managed | length > 0' "$W/daemon.json" >/dev/null; then
		ctl --json explain "$(jq -r '.managed[0].cgroup' "$W/daemon.json")" >"$W/explain.json" ||
			fail "vswapctl explain got no answer"
	fi
	kill -TERM "$pid"
	wait "$pid" || fail "vswapd exited with $?"
	pid=
	diff -r "$fixture/$B" "$R/$B" >/dev/null || fail "app-b, which no policy matches, was written to"
}
# count PATTERN: lines of the daemon log matching PATTERN (grep -E)
count() { grep -cE "$1" "$W/log" || true; }
# injected GLOB: how many faults fired on a path matching the grep pattern
injected() { grep -c "$1" "$W/faults" || true; }

vswap_cur=$(cat "$fixture/$A/memory.vswap.current")
cap=$(((vswap_cur / 4096 + 256) * 4096))
policy='{ "schema_version": 1, "match": { "cgroup": "/workload.slice/app-a.service" },
  "vswap": { "max": '$cap' },
  "writeback": { "amount": "4M", "cooldown_s": 0.5, "max_per_minute": "1G",
                 "when": [ { "vswap_above_percent": 50 } ] },
  "interval_s": 0.5 }'
# The cap as a share of memory.max: a cut-short memory.max ("67108864" read as "6710") would
# make it a few bytes.
policy_pct='{ "schema_version": 1, "match": { "cgroup": "/workload.slice/app-a.service" },
  "vswap": { "max": "50%" },
  "writeback": { "amount": "4M", "cooldown_s": 0.5, "max_per_minute": "1G",
                 "when": [ { "vswap_above_percent": 50 } ] },
  "interval_s": 0.5 }'
orig_max=$(cat "$fixture/$A/memory.vswap.max")
SECONDS_PER_RUN=3

# 1. Knob writes refused, as the kernel refuses them: EBUSY and EINVAL from write(),
#    ENOENT and EACCES from open(). Retried every round, logged once.
for spec in ${FAULT_ONLY_KNOBS-write:EBUSY write:EINVAL openw:ENOENT openw:EACCES}; do
	op=${spec%%:*} err=${spec#*:}
	scenario="memory.vswap.max $op $err"
	start "$op:*/app-a.service/memory.vswap.max:$err" "$policy"
	sleep "$SECONDS_PER_RUN"
	n=$(injected memory.vswap.max)
	[ "$n" -ge 3 ] || fail "only $n faults injected: the daemon did not retry"
	logged=$(count 'app-a.service: failed to set_vswap_max')
	[ "$logged" -eq 1 ] || fail "the refused write was logged $logged times for $n failures (want once)"
	[ "$(knob memory.vswap.max)" = "$orig_max" ] || fail "memory.vswap.max is $(knob memory.vswap.max)"
	stop
	jq -e '.managed[0].failures >= 3' "$W/daemon.json" >/dev/null || fail "failures not counted"
	case $err in
	EBUSY) msg="Device or resource busy" ;;
	EINVAL) msg="Invalid argument" ;;
	ENOENT) msg="No such file or directory" ;;
	EACCES) msg="Permission denied" ;;
	esac
	jq -e --arg msg "$msg" '[.decisions[].actions[] | select(.action == "set_vswap_max")
		| .result] | index($msg)' "$W/explain.json" >/dev/null ||
		fail "explain does not show the error '$msg'"
	echo "fault.sh: ok: $scenario ($n failures, logged once)"
done

# 2. Corrupt reads of what the daemon samples: the round is skipped with one warning, and
#    nothing is written on the strength of a bad sample.
for spec in ${FAULT_ONLY_READS-memory.vswap.current:garbage memory.stat:truncate memory.current:EIO \
	memory.max:truncate memory.vswap.current:truncate}; do
	file=${spec%%:*} action=${spec#*:}
	scenario="$file read $action"
	start "read:*/app-a.service/$file:$action" "$policy_pct"
	sleep "$SECONDS_PER_RUN"
	n=$(injected "$file")
	[ "$n" -ge 3 ] || fail "only $n faults injected"
	logged=$(count "app-a.service: cannot read $file")
	[ "$logged" -eq 1 ] || fail "the bad read was logged $logged times for $n faults (want once)"
	[ "$(knob memory.vswap.max)" = "$orig_max" ] || fail "memory.vswap.max written from a bad sample: $(knob memory.vswap.max)"
	[ -z "$(knob memory.vswap.writeback)" ] || fail "writeback requested from a bad sample"
	stop
	echo "fault.sh: ok: $scenario ($n faults, logged once, nothing written)"
done

# 3. A cgroup removed mid-tick: while its sample is being read, and between deciding and
#    writing. The daemon drops it, creates nothing in its place and logs no error about it.
for spec in openr:memory.stat:3 openw:memory.vswap.max:0; do
	IFS=: read -r op file skip <<<"$spec"
	scenario="app-a removed at $op $file"
	start "$op:*/app-a.service/$file:vanish:$skip" "$policy"
	wait_for 10 test ! -e "$R/$A" || fail "the fault did not fire"
	sleep 1
	wait_for 5 sh -c "'$vswapctl' --root '$R' --json daemon | jq -e '.managed == []'" ||
		fail "still managing the removed cgroup"
	[ ! -e "$R/$A" ] || fail "something recreated $A: $(ls "$R/$A")"
	[ "$(count 'app-a.service.*(warning|error|cannot|failed)')" -le 1 ] ||
		fail "more than one complaint about a cgroup that went away"
	stop
	echo "fault.sh: ok: $scenario"
done

# 4. PSI trigger creation refused (memory.pressure on cgroup2, the trigger write fails):
#    one warning, sampling by timer, the policy still applied.
scenario="PSI trigger refused"
start "statfs:*/memory.pressure:cgroup2;write:*/memory.pressure:EINVAL" "$policy"
wait_for 10 sh -c "[ \"\$(cat '$R/$A/memory.vswap.max')\" = $cap ]" ||
	fail "policy not applied by timer after the trigger was refused"
sleep 1
[ "$(injected 'write .*memory.pressure EINVAL')" -ge 1 ] || fail "no trigger write was attempted"
[ "$(count 'PSI triggers unavailable')" -eq 1 ] || fail "want exactly one 'PSI triggers unavailable'"
diff "$fixture/$A/memory.pressure" "$R/$A/memory.pressure" >/dev/null || fail "memory.pressure written"
ctl --json daemon | jq -e '.pressure_triggers == false' >/dev/null || fail "daemon reports triggers"
stop
echo "fault.sh: ok: $scenario"

# 5. Many cgroups failing at once: still once each (the rate limiter must not forget them).
scenario="100 cgroups, every vswap.max write refused"
many='{ "schema_version": 1, "match": { "cgroup": "/workload.slice/many-*" },
  "vswap": { "max": '$cap' }, "interval_s": 0.5 }'
start "write:*/many-*/memory.vswap.max:EBUSY" "$many" 100
sleep "$SECONDS_PER_RUN"
n=$(injected 'many-.*memory.vswap.max')
[ "$n" -ge 300 ] || fail "only $n faults injected"
logged=$(count 'many-[0-9]+: failed to set_vswap_max')
[ "$logged" -eq 100 ] || fail "logged $logged times for $n failures of 100 cgroups (want 100)"
stop
echo "fault.sh: ok: $scenario ($n failures, logged $logged times)"
echo "fault.sh: all scenarios passed"
