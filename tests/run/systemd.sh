#!/bin/bash
# Guest side of run_systemd (tests/systemd/run --scenario: Debian 12, systemd 252 as PID 1,
# the patched kernel, the .deb): vswapctl run takes the systemd path, a transient scope over
# the system bus as root and over a user's own manager as that user. TESTDIR (the test
# disk: vswap-tools.deb) and OUT as tests/systemd/scenario.sh has them; one line per check
# in OUT/results.txt. Exit: 0 all passed, 1 some failed, 77 the kernel lacks memory.vswap.*.
set -u
export LC_ALL=C SYSTEMD_PAGER=cat
results=$OUT/results.txt
failures=0
pass() { echo "PASS: $*" | tee -a "$results"; }
fail() {
	echo "FAIL: $*" | tee -a "$results"
	failures=$((failures + 1))
}
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
	journalctl -b -u vswapd --no-pager -o short-monotonic >"$OUT/journal-vswapd.txt" 2>&1
	echo "scenario: $failures check(s) failed"
	[ "$failures" = 0 ]
	exit $?
}
fatal() {
	fail "$*"
	finish
}
wait_for() { # SECONDS COMMAND...: every 0.2 s until it succeeds
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}
no_attachments() { [ -z "$(ls /run/vswapd/attach.d 2>/dev/null)" ]; }
no_run_policies() { [ -z "$(ls /run/vswapd/policies.d 2>/dev/null)" ]; }
no_run_scopes() { [ -z "$(systemctl list-units --all --no-legend --plain 'vswap-run-*.scope' 'job*.scope')" ]; }
unit_gone() { [ "$(systemctl show -P LoadState "$1")" = not-found ]; }
# What the command sees at its first instruction: its cgroup and memory.vswap.max there.
first_look='cg=$(sed -n "s/^0:://p" /proc/self/cgroup); echo "cgroup $cg"; cat "/sys/fs/cgroup$cg/memory.vswap.max"'
second_line() { sed -n 2p "$1"; }

[ "$(cat /proc/1/comm)" = systemd ] || fatal "PID 1 is $(cat /proc/1/comm), not systemd"
[ -e /sys/fs/cgroup/system.slice/memory.vswap.max ] ||
	{ echo "SKIP: no memory.vswap.max: the kernel lacks the series" | tee -a "$results"; exit 77; }
dpkg -i "$TESTDIR/vswap-tools.deb" >"$OUT/dpkg.log" 2>&1 || fatal "dpkg -i vswap-tools.deb"
check "vswapd active after dpkg -i" test "$(systemctl is-active vswapd.service)" = active
check "vswapctl links libcgroup (its cgexec path), resolved in the image" \
	sh -c "ldd /usr/bin/vswapctl | grep -q 'libcgroup.so.2 => /'"
mkdir -p /etc/vswapd/policies.d
# batch as shipped, with a cap that needs no memory.max (the scope has none).
jq '.vswap.max = "24M"' /usr/share/vswap-tools/policies/batch.json >/etc/vswapd/policies.d/batch.json
cp /usr/share/vswap-tools/policies/default.json /etc/vswapd/policies.d/
check "systemctl reload vswapd" systemctl reload vswapd.service
t0=$(date +%s)

# --- root: a transient scope, the cap in force at the first instruction -----------------------
vswapctl run --policy batch -- sh -c "$first_look" >"$OUT/first.out" 2>"$OUT/first.err"
rc=$?
cat "$OUT/first.err" "$OUT/first.out"
check "run --policy batch: exit 0 ($rc)" test $rc = 0
check "the command ran in a transient scope of system.slice" \
	grep -q '^cgroup /system.slice/vswap-run-[0-9a-f]\{8\}\.scope$' "$OUT/first.out"
check "its first read of memory.vswap.max is batch's 24M" test "$(second_line "$OUT/first.out")" = 25165824
check "run said so on stderr: unit, cgroup, policy, the knob read back" \
	grep -q '^Running as unit vswap-run-.*\.scope, cgroup /system.slice/vswap-run-.*\.scope, policy batch in force: memory.vswap.max 24M' "$OUT/first.err"
check "the attachment is gone after exit" no_attachments
check "the scope is gone after exit" wait_for 10 no_run_scopes

# --- while it runs ------------------------------------------------------------------------------
vswapctl run --unit job1 --policy batch -- sleep 60 >"$OUT/job1.out" 2>"$OUT/job1.err" &
job1=$!
check "job1 started" wait_for 60 grep -q '^Running as unit job1.scope' "$OUT/job1.err"
check "job1.scope is active" test "$(systemctl is-active job1.scope)" = active
check "job1.scope says what it runs" \
	test "$(systemctl show -P Description job1.scope)" = "vswapctl run: sleep 60"
check "its attachment: /run/vswapd/attach.d/system.slice-job1.scope.conf" \
	grep -qx 'Policy=batch' /run/vswapd/attach.d/system.slice-job1.scope.conf
vswapctl show-policy --unit job1.scope --json >"$OUT/show-job1.json" 2>&1
check "show-policy --unit job1.scope names batch while it runs" \
	jq -e '.policy == "batch" and .cgroup == "/system.slice/job1.scope" and .chosen_by == "attachment"' "$OUT/show-job1.json"
vswapctl --json explain /system.slice/job1.scope >"$OUT/explain-job1.json" 2>&1
check "vswapd manages job1.scope with batch" jq -e '.policy == "batch"' "$OUT/explain-job1.json"
check "job1.scope: memory.vswap.max 24M" \
	test "$(cat /sys/fs/cgroup/system.slice/job1.scope/memory.vswap.max)" = 25165824
vswapctl run --unit job1 --policy batch -- touch /tmp/ran 2>"$OUT/job1-again.err"
rc=$?
check "a second --unit job1 is refused while the first runs ($rc), nothing ran" \
	sh -c "[ $rc = 1 ] && [ ! -e /tmp/ran ] && grep -q 'unit job1.scope exists already' '$OUT/job1-again.err'"
check "  ... and job1's attachment is untouched" test -f /run/vswapd/attach.d/system.slice-job1.scope.conf
kill -TERM $job1
wait $job1
rc=$?
check "SIGTERM to vswapctl reached sleep; vswapctl died of it too (rc $rc = 143)" test $rc = 143
check "job1: attachment gone" no_attachments
check "job1: the scope went with its last process" wait_for 10 unit_gone job1.scope

# --- exit status and signals --------------------------------------------------------------------
vswapctl run --policy batch -- sh -c 'exit 7' 2>/dev/null
rc=$?
check "exit status 7 passes through ($rc)" test $rc = 7
vswapctl run --policy batch -- sh -c 'kill -KILL $$' 2>/dev/null
rc=$?
check "the command killed by SIGKILL: so is vswapctl (rc $rc = 137)" test $rc = 137
ws=$("$TESTDIR/files/run-waitstatus" vswapctl run --policy batch -- sh -c 'kill -TERM $$' 2>/dev/null)
check "the command killed by SIGTERM: vswapctl's parent sees a death by signal 15 ($ws)" \
	test "$ws" = "killed by signal 15"
vswapctl run --policy batch -- /no/such/command 2>/dev/null
rc=$?
check "a command that does not exist: 127 ($rc)" test $rc = 127
check "no attachment left by those" no_attachments
check "no scope left by those" wait_for 10 no_run_scopes

# --- -p --------------------------------------------------------------------------------------------
vswapctl run --unit job2 -p vswap.max=8M -- sh -c "$first_look; vswapctl show-policy --unit job2.scope" \
	>"$OUT/job2.out" 2>"$OUT/job2.err"
rc=$?
cat "$OUT/job2.err" "$OUT/job2.out"
check "-p vswap.max=8M: exit 0 ($rc), first read 8M" \
	sh -c "[ $rc = 0 ] && [ \"\$(sed -n 2p '$OUT/job2.out')\" = 8388608 ]"
check "-p: show-policy --unit job2.scope names run@job2 while it runs" grep -q 'policy run@job2' "$OUT/job2.out"
check "-p: the policy made for the run is gone" no_run_policies

# --- refusals -------------------------------------------------------------------------------------
nothing_ran() { [ "$1" = "$2" ] && [ ! -e /tmp/ran ] && no_attachments && no_run_policies && no_run_scopes; }
refused() { # RC DESCRIPTION ARGS...
	local want=$1 what=$2 got
	shift 2
	rm -f /tmp/ran
	"${run_as[@]}" vswapctl run "$@" -- touch /tmp/ran 2>"$OUT/refused.err"
	got=$?
	sed 's/^/  /' "$OUT/refused.err"
	check "$what: exit $want ($got), the command never ran, nothing left" nothing_ran $got $want
}
run_as=()
refused 4 "no such policy" --policy nope
refused 2 "-p with a bad value" -p vswap.max=lots
refused 2 "-p naming no field" -p vswap.maxx=1G
printf '{ "schema_version": 1,\n  "vswap": { "max": "lots" } }\n' >/tmp/bad.json
refused 1 "a policy FILE with an error" --policy /tmp/bad.json
check "  ... named FILE:LINE:COLUMN" grep -q '/tmp/bad.json:2:' "$OUT/refused.err"
refused 2 "--root" --root /tmp --policy batch
refused 2 "--unit of another unit type" --unit x.service --policy batch

# --- --wait ----------------------------------------------------------------------------------------
t=$(date +%s)
vswapctl run --wait --unit job4 --policy batch -- sh -c 'sleep 3 & exit 0' 2>/dev/null
rc=$?
took=$(($(date +%s) - t))
check "--wait: until the background sleep ended too (${took} s >= 3, rc $rc)" \
	sh -c "[ $took -ge 3 ] && [ $rc = 0 ]"
check "--wait: the scope is gone" wait_for 10 unit_gone job4.scope
vswapctl run --unit job5 --policy batch -- sh -c 'sleep 3 & exit 0' 2>"$OUT/job5.err"
check "without --wait: at once, saying processes remain" \
	grep -q 'remain in /system.slice/job5.scope' "$OUT/job5.err"
check "without --wait: the scope lives on with them, without the attachment" \
	sh -c "[ \"\$(systemctl is-active job5.scope)\" = active ] && [ -z \"\$(ls /run/vswapd/attach.d)\" ]"
check "without --wait: systemd removes the scope once they end" wait_for 15 unit_gone job5.scope

# --- a user, with its own systemd manager ------------------------------------------------------
useradd -m -u 1000 tester || fatal "useradd tester"
run_as=(runuser -u tester -- env XDG_RUNTIME_DIR=/run/user/1000)
refused 1 "user, attachments root's only" --policy batch
check "  ... saying where it may not write" \
	grep -q 'cannot write /run/vswapd/attach.d as uid 1000' "$OUT/refused.err"
# An administrator lets the group tester attach policies.
chgrp tester /run/vswapd/attach.d && chmod 775 /run/vswapd/attach.d
refused 1 "user without a running user manager" --policy batch
check "  ... saying it needs one" grep -q 'cannot reach the systemd user manager' "$OUT/refused.err"
loginctl enable-linger tester
check "user@1000.service is up (linger)" wait_for 60 test -S /run/user/1000/bus
"${run_as[@]}" vswapctl run --unit ujob --policy batch -- sh -c "$first_look" \
	>"$OUT/user.out" 2>"$OUT/user.err"
rc=$?
cat "$OUT/user.err" "$OUT/user.out"
ucg=/user.slice/user-1000.slice/user@1000.service/app.slice/ujob.scope
check "user: run works in its manager's delegated subtree (rc $rc)" test $rc = 0
check "user: the scope is the user manager's ($ucg)" grep -qx "cgroup $ucg" "$OUT/user.out"
check "user: batch's 24M at the first instruction (vswapd reloaded by inotify)" \
	test "$(second_line "$OUT/user.out")" = 25165824
check "user: attachment gone" no_attachments
chmod 755 /run/vswapd/attach.d && chgrp root /run/vswapd/attach.d

# --- without vswapd --------------------------------------------------------------------------------
run_as=()
systemctl stop vswapd.service
refused 1 "vswapd not running" --policy batch
check "  ... saying so" grep -q 'vswapd is not running' "$OUT/refused.err"
echo "scenario: run's checks took $(($(date +%s) - t0)) s"
finish
