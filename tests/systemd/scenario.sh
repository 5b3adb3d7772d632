#!/bin/bash
# Runs in the guest of tests/systemd/run (Debian 12, systemd as PID 1, patched kernel) as
# vswap-guest-run.service, with TESTDIR (the read-only test disk: vswap-tools.deb, memhog,
# vswapd.service.source) and OUT (saved to the host). One line per check in OUT/results.txt.
# Exit: 0 all checks passed, 1 some failed, 77 the kernel lacks what the test needs (only
# for a kernel given with tests/systemd/run --kernel: on the harness's own kernel, which has
# them by construction, TESTDIR/require-features exists and a missing feature fails).
# Checks named in known-failures.txt (on the test disk) report XFAIL / XPASS instead of
# FAIL / PASS and do not fail the run; every other failure does.
set -u
export LC_ALL=C SYSTEMD_PAGER=cat
results=$OUT/results.txt
failures=0

log() { echo "scenario: $*"; }
pass() { echo "PASS: $*" | tee -a "$results"; }
fail() {
	echo "FAIL: $*" | tee -a "$results"
	failures=$((failures + 1))
}
skip() {
	echo "SKIP: $*" | tee -a "$results"
	exit 77
}
# check DESCRIPTION COMMAND...: PASS or FAIL by the command's status.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
# xcheck ID DESCRIPTION COMMAND...: check, unless ID is a known failure (XFAIL / XPASS).
xcheck() {
	local id=$1 what=$2 reason
	shift 2
	reason=$(awk -v id="$id" '$1 == id { $1 = ""; sub(/^ +/, ""); print; exit }' \
		"$TESTDIR/known-failures.txt" 2>/dev/null)
	if [ -z "$reason" ]; then
		check "$what [$id]" "$@"
	elif "$@"; then
		echo "XPASS: $what [$id] (known failure fixed? remove it from tests/systemd/known-failures.txt)" |
			tee -a "$results"
	else
		echo "XFAIL: $what [$id]: $reason" | tee -a "$results"
	fi
}
# fatal DESCRIPTION: a failed step the rest depends on.
fatal() {
	fail "$*"
	finish
}
finish() {
	snapshot final
	journalctl -b -u vswapd --no-pager -o short-monotonic >"$OUT/journal-vswapd.txt" 2>&1
	log "$failures check(s) failed"
	[ "$failures" = 0 ] && exit 0
	exit 1
}
# wait_for SECONDS COMMAND...: poll every second until the command succeeds.
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 1
	done
}
snapshot() { # NAME: what the daemon reports now, for the record (none once the package is gone)
	command -v vswapctl >/dev/null || return 0
	vswapctl daemon --json >"$OUT/daemon-$1.json" 2>&1
}

unit=workload.service
cg=/system.slice/$unit
cgdir=/sys/fs/cgroup$cg
dropin_dir=/etc/systemd/system/$unit.d
memory_max=$((128 << 20))

# field CGROUP KEY: a key of the cgroup's entry in `vswapctl daemon --json` ("" if none).
field() {
	vswapctl daemon --json 2>/dev/null |
		jq -r --arg cg "$1" --arg k "$2" '.managed[]? | select(.cgroup == $cg) | .[$k] // ""'
}
vswap_max() { cat "$cgdir/memory.vswap.max" 2>/dev/null; }
vswap_max_is() { [ "$(vswap_max)" = "$1" ]; }
policy_is() { [ "$(field "$cg" policy)" = "$1" ]; }
reload_error() { vswapctl daemon --json 2>/dev/null | jq -r '.last_reload_error // ""'; }
reload_error_matches() { reload_error | grep -E -q "$1"; }
is_json() { jq -e . "$1" >/dev/null 2>&1; }
# seconds PROPERTY: a time span property of vswapd.service in whole seconds.
seconds() {
	systemd-analyze timespan "$(systemctl show -P "$1" vswapd.service)" |
		awk '$1 ~ /s:$/ && $1 != "Human" { print int($2 / 1000000); exit }'
}

# --- what the kernel must offer -----------------------------------------------------------
log "kernel $(uname -r), $(systemctl --version | head -n 1), PID 1 $(cat /proc/1/comm)"
[ "$(cat /proc/1/comm)" = systemd ] || fatal "PID 1 is $(cat /proc/1/comm), not systemd"
# lacking FEATURE: skip, or fail on a kernel that must have it (a broken series or config)
lacking() {
	if [ -e "$TESTDIR/require-features" ]; then
		fatal "$* ($(cat "$TESTDIR/require-features"))"
	fi
	skip "$*"
}
[ -e /sys/fs/cgroup/system.slice/memory.vswap.max ] ||
	lacking "no memory.vswap.max: this kernel lacks the vswap series"
[ -e /proc/sys/kernel/seccomp/actions_avail ] || lacking "no seccomp filters: SystemCallFilter= cannot work"
[ "$(wc -l </proc/swaps)" -gt 1 ] || fatal "no swap device active"
systemctl is-system-running >"$OUT/system-state.txt" 2>&1
systemctl --failed --no-legend >>"$OUT/system-state.txt" 2>&1

# --- install: the package's postinst enables and starts vswapd -----------------------------
pkg=$(dpkg-deb -f "$TESTDIR/vswap-tools.deb" Package)
dpkg-deb -f "$TESTDIR/vswap-tools.deb" >"$OUT/deb-control.txt"
wants=/etc/systemd/system/multi-user.target.wants/vswapd.service
t=$(date +%s)
if dpkg -i "$TESTDIR/vswap-tools.deb" >"$OUT/dpkg.log" 2>&1; then
	pass "dpkg -i $pkg (offline: its dependencies are in the image)"
else
	sed 's/^/  dpkg: /' "$OUT/dpkg.log" | tail -n 15
	fatal "dpkg -i $pkg"
fi
log "dpkg -i took $(($(date +%s) - t)) s"
started=$(date +%s)
check "dpkg -i enabled vswapd" test "$(systemctl is-enabled vswapd.service)" = enabled
check "dpkg -i made the enable link $wants" test -L "$wants"
# Type=notify: the postinst's start returns once vswapd sent READY=1, so it is active now.
if [ "$(systemctl is-active vswapd.service)" != active ]; then
	systemctl status vswapd.service --no-pager -l 2>&1 | sed 's/^/  status: /' | head -n 20
	fatal "dpkg -i left vswapd active (Type=notify: READY=1 came)"
fi
pass "dpkg -i left vswapd active (Type=notify: READY=1 came)"
main_pid=$(systemctl show -P MainPID vswapd.service)
systemctl cat vswapd.service >"$OUT/vswapd.service.installed" 2>&1
check "vswapd.service is known to systemd" test -s "$OUT/vswapd.service.installed"
check "the installed unit is units/vswapd.service" \
	cmp -s <(grep -v '^#' "$OUT/vswapd.service.installed") <(grep -v '^#' "$TESTDIR/vswapd.service.source")
systemd-analyze verify --man=no vswapd.service >"$OUT/analyze-verify.txt" 2>&1
check "systemd-analyze verify vswapd.service is silent" test ! -s "$OUT/analyze-verify.txt"
systemd-analyze security vswapd.service --no-pager >"$OUT/analyze-security.txt" 2>&1 || true

# The daemon runs already: each policy goes in whole (a new file renamed), then a reload.
mkdir -p /etc/vswapd/policies.d
for p in default batch; do
	cp "/usr/share/vswap-tools/policies/$p.json" "/etc/vswapd/policies.d/.$p.new" ||
		fatal "the package ships no /usr/share/vswap-tools/policies/$p.json"
	mv "/etc/vswapd/policies.d/.$p.new" "/etc/vswapd/policies.d/$p.json"
done
check "vswapctl validate /etc/vswapd/policies.d" vswapctl validate /etc/vswapd/policies.d
check "systemctl reload vswapd (the first policies)" systemctl reload vswapd.service

# --- a workload unit, managed by the default policy -----------------------------------------
install -m 755 "$TESTDIR/memhog" /usr/local/bin/memhog
# 160 MiB in a 128 MiB cgroup: ~40 MiB must swap (zero, compressible and random pages).
systemd-run --unit="$unit" --property=MemoryMax=$memory_max --property=Type=exec \
	/usr/local/bin/memhog -m 160 -z 20 -r 10 -H >"$OUT/systemd-run.txt" 2>&1 ||
	fatal "systemd-run --unit=$unit"
check "the workload runs in $cg" test -d "$cgdir"
check "vswapd manages $cg with the default policy" wait_for 60 policy_is default
check "default policy: memory.vswap.max = 50% of MemoryMax" wait_for 30 vswap_max_is $((memory_max / 2))
snapshot default

# --- attach a policy to the unit: a systemd drop-in read by vswapd --------------------------
check "vswapctl set-policy --unit $unit batch" vswapctl set-policy --unit "$unit" batch
cat "$dropin_dir/50-vswap.conf" >"$OUT/50-vswap.conf" 2>&1
check "set-policy wrote [X-VSwap] Policy=batch in $dropin_dir/50-vswap.conf" \
	grep -qx 'Policy=batch' "$dropin_dir/50-vswap.conf"
check "vswapd applies batch to the unit's cgroup" wait_for 30 policy_is batch
check "batch policy: memory.vswap.max = 25% of MemoryMax" wait_for 30 vswap_max_is $((memory_max / 4))
check "daemon --json: the choice came from the unit's drop-in" \
	test "$(field "$cg" policy_chosen_by)" = "$dropin_dir/50-vswap.conf"
snapshot batch
vswapctl show-policy --unit "$unit" --json >"$OUT/show-policy-unit.json" 2>&1
check "show-policy --unit: batch on $cg" \
	jq -e --arg cg "$cg" '.policy == "batch" and .cgroup == $cg' "$OUT/show-policy-unit.json"
vswapctl show-policy "$cg" --json >"$OUT/show-policy-cgroup.json" 2>&1
xcheck show-policy-cgroup "show-policy $cg (the unit's cgroup): batch, as vswapd applies" \
	jq -e '.policy == "batch"' "$OUT/show-policy-cgroup.json"
# systemd itself must accept the drop-in: X- sections are ignored, not warned about.
systemctl daemon-reload
check "systemd lists the drop-in for $unit" \
	grep -q 50-vswap.conf <(systemctl show -P DropInPaths "$unit")
check "systemd does not complain about [X-VSwap]" \
	test -z "$(journalctl -b _PID=1 --no-pager -o cat | grep -i 'x-vswap')"

# --- a bad drop-in: the reload fails as a whole, the old policies stay ----------------------
bad=$dropin_dir/60-typo.conf
printf '[X-VSwap]\nPolcy=default\n' >"$bad"
if systemctl reload vswapd.service; then r=0; else r=$?; fi
log "systemctl reload vswapd with an unknown key: exit $r"
# ExecReload= is `vswapctl reload`: systemctl reports the outcome, and the unit stays active.
check "systemctl reload vswapd fails on a bad drop-in" test "$r" != 0
check "a failed reload leaves vswapd active" test "$(systemctl is-active vswapd.service)" = active
check "unknown key: the reload error names $bad:2:COLUMN" \
	wait_for 30 reload_error_matches "$bad:2:[0-9]+"
vswapctl reload >"$OUT/vswapctl-reload-typo.txt" 2>&1
r=$?
check "vswapctl reload exits 1 on the unknown key" test "$r" = 1
check "vswapctl reload prints $bad:2:COLUMN" grep -E -q "$bad:2:[0-9]+" "$OUT/vswapctl-reload-typo.txt"
check "unknown key: batch stays in force" policy_is batch
check "unknown key: memory.vswap.max unchanged" vswap_max_is $((memory_max / 4))

printf '[X-VSwap]\nPolicy=no-such-policy\n' >"$bad"
vswapctl reload >"$OUT/vswapctl-reload-missing.txt" 2>&1
r=$?
check "vswapctl reload exits 1 on a policy that does not exist" test "$r" = 1
check "missing policy: the error names $bad:2:COLUMN" \
	grep -E -q "$bad:2:[0-9]+" "$OUT/vswapctl-reload-missing.txt"
check "missing policy: batch stays in force" policy_is batch
check "missing policy: memory.vswap.max unchanged" vswap_max_is $((memory_max / 4))
check "journal: vswapd logged the bad file" \
	grep -q "$bad" <(journalctl -b -u vswapd --no-pager -o cat)
snapshot bad-dropin

# --- fixed: a valid new policy and `systemctl reload` ---------------------------------------
rm -f "$bad"
# Written as an administrator should (a new file renamed over the old one): vswapd watches the
# directory and would otherwise catch the file half written.
jq '.vswap.max = "75%"' /usr/share/vswap-tools/policies/batch.json >/etc/vswapd/policies.d/.batch.new &&
	mv /etc/vswapd/policies.d/.batch.new /etc/vswapd/policies.d/batch.json
since=$(date '+%Y-%m-%d %H:%M:%S')
check "systemctl reload vswapd (valid files)" systemctl reload vswapd.service
check "vswapd reloaded on ExecReload" wait_for 30 \
	grep -q 'loaded [0-9]* policies' <(journalctl -u vswapd --since "$since" --no-pager -o cat)
check "after the reload: memory.vswap.max = 75% of MemoryMax" \
	wait_for 30 vswap_max_is $((memory_max * 3 / 4))
check "after the reload: no reload error" wait_for 30 test -z "$(reload_error)"
snapshot reloaded

check "vswapctl unset-policy --unit $unit" vswapctl unset-policy --unit "$unit"
check "unset-policy removed the drop-in" test ! -e "$dropin_dir/50-vswap.conf"
check "back to the default policy" wait_for 30 policy_is default
check "default again: memory.vswap.max = 50% of MemoryMax" wait_for 30 vswap_max_is $((memory_max / 2))

# --- watchdog and sandbox: still the same healthy process after 2 x WatchdogSec -----------
watchdog_s=$(seconds WatchdogUSec)
[ "${watchdog_s:-0}" -gt 0 ] || fatal "vswapd.service has no watchdog (WatchdogUSec=$(systemctl show -P WatchdogUSec vswapd.service))"
left=$((started + 2 * watchdog_s + 5 - $(date +%s)))
if [ "$left" -gt 0 ]; then
	log "waiting ${left} s: vswapd must live past 2 x WatchdogSec (${watchdog_s} s)"
	sleep "$left"
fi
systemctl show vswapd.service -p NRestarts,ActiveState,SubState,Result,MainPID,WatchdogUSec \
	>"$OUT/vswapd-show.txt"
check "vswapd: NRestarts=0" grep -qx NRestarts=0 "$OUT/vswapd-show.txt"
check "vswapd: ActiveState=active" grep -qx ActiveState=active "$OUT/vswapd-show.txt"
check "vswapd: Result=success" grep -qx Result=success "$OUT/vswapd-show.txt"
check "vswapd: same MainPID as at start" grep -qx "MainPID=$main_pid" "$OUT/vswapd-show.txt"
journalctl -b -u vswapd --no-pager -o cat >"$OUT/journal-vswapd-cat.txt" 2>&1
complaints=$(grep -E -i 'watchdog|SIGSYS|Operation not permitted|Permission denied|Bad system call|core.?dump|Main process exited' \
	"$OUT/journal-vswapd-cat.txt")
[ -z "$complaints" ] || printf '  journal: %s\n' "$complaints" | head -n 20
check "journal: no watchdog / SIGSYS / EPERM complaints about vswapd" test -z "$complaints"
# systemd notes a sandbox setting the kernel cannot provide ("... is configured, but the kernel
# does not support ..., ignoring"): kernel/config/systemd.config must provide them all.
unsupported=$(grep -E -i 'not support|ignoring namespace' "$OUT/journal-vswapd-cat.txt")
[ -z "$unsupported" ] || printf '  journal: %s\n' "$unsupported" | head -n 10
check "journal: systemd applied every sandbox setting of vswapd.service" test -z "$unsupported"
check "the workload is still running (memhog verified its pages)" \
	test "$(systemctl is-active "$unit")" = active
check "the workload swapped (memory.swap.current > 0)" test "$(cat "$cgdir/memory.swap.current")" -gt 0
check "part of it is memory-backed (memory.vswap.current > 0)" test "$(cat "$cgdir/memory.vswap.current")" -gt 0
snapshot final
check "vswapd acted on $cg beyond the cap (writeback or reclaim counted)" \
	jq -e --arg cg "$cg" '.managed[] | select(.cgroup == $cg) | .actions.writeback + .actions.reclaim > 0' \
	"$OUT/daemon-final.json"
# PSI triggers under the sandbox: 6.12 takes a trigger window that is not a multiple of 2 s only
# from an opener with CAP_SYS_RESOURCE (kernel/sched/psi.c), which CapabilityBoundingSet= drops;
# vswapd then widens the window to 2 s and says so once.
check "vswapd armed PSI triggers under the unit's sandbox (pressure_triggers)" \
	jq -e '.pressure_triggers == true' "$OUT/daemon-final.json"
check "journal: the widened trigger window is said once" \
	test "$(journalctl -b -u vswapd --no-pager -o cat | grep -c 'windows widened to whole 2 s')" = 1
vswapctl explain "$cg" --json >"$OUT/explain.json" 2>&1
check "vswapctl explain $cg --json" is_json "$OUT/explain.json"

# --- remove and purge: the prerm stops vswapd, the postrm purge drops the links ---------------
if dpkg --remove "$pkg" >"$OUT/dpkg-remove.log" 2>&1; then pass "dpkg --remove $pkg"; else
	sed 's/^/  dpkg: /' "$OUT/dpkg-remove.log" | tail -n 15
	fail "dpkg --remove $pkg"
fi
load_state=$(systemctl show -P LoadState vswapd.service)
active_state=$(systemctl show -P ActiveState vswapd.service)
log "after dpkg --remove: vswapd.service LoadState=$load_state ActiveState=$active_state"
check "dpkg --remove stopped vswapd (not active)" \
	test "$(systemctl is-active vswapd.service)" != active
check "dpkg --remove: vswapd.service not loaded or inactive" \
	test "$load_state" = not-found -o "$active_state" = inactive
check "dpkg --remove: no vswapd process left" test -z "$(pgrep -x vswapd)"
check "dpkg --remove: the workload runs on" test "$(systemctl is-active "$unit")" = active
if dpkg --purge "$pkg" >"$OUT/dpkg-purge.log" 2>&1; then pass "dpkg --purge $pkg"; else
	sed 's/^/  dpkg: /' "$OUT/dpkg-purge.log" | tail -n 15
	fail "dpkg --purge $pkg"
fi
links=$(find /etc/systemd/system -name 'vswapd*' 2>/dev/null)
[ -z "$links" ] || log "left after purge: $links"
check "dpkg --purge left no vswapd.service enable link" test -z "$links"
check "dpkg --purge removed /run/vswapd" test ! -e /run/vswapd
check "dpkg --purge kept the administrator's /etc/vswapd/policies.d" \
	test -f /etc/vswapd/policies.d/default.json
finish
