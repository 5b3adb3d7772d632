# Guest side of run_busybox (busybox sh under tests/vm/run, the patched kernel, no systemd):
# vswapctl run takes the libcgroup path. libcgroup (linked by vswapctl, copied with it into
# the initramfs) makes the cgroup next to the caller's and moves the held command there;
# vswapd applies the policy before the command starts. One line per check.
set -u
cg=/sys/fs/cgroup
failures=0
check() { # DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then echo "PASS: $desc"; else echo "FAIL: $desc"; failures=$((failures + 1)); fi
}
wait_for() { # SECONDS COMMAND...
	limit=$(($1 * 10))
	shift
	i=0
	while [ $i -lt $limit ]; do "$@" && return 0; sleep 0.1; i=$((i + 1)); done
	return 1
}
no_attachments() { [ -z "$(ls /run/vswapd/attach.d 2>/dev/null)" ]; }
no_run_policies() { [ -z "$(ls /run/vswapd/policies.d 2>/dev/null)" ]; }
no_scopes() { [ -z "$(ls -d $cg/*.scope 2>/dev/null)" ]; }
# The knob as the command sees it at its first instruction, from its own cgroup.
first_look='echo "cgroup $(sed -n "s/^0:://p" /proc/self/cgroup)"; cat "/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)/memory.vswap.max"'

# A cgroup there before vswapd starts, as on any real host: vswapd probes the per-cgroup
# files (memory.vswap.*) of the kernel in the first one it finds.
mkdir -p $cg/system.slice
[ -e $cg/system.slice/memory.vswap.max ] ||
	{ echo "SKIP: no memory.vswap.max: the kernel lacks the series"; exit 77; }
mkdir -p /etc/vswapd/policies.d /out
# A default policy manages every cgroup, the new ones too, with another cap: the command must
# still see batch's at once, not the default's nor none.
cat >/etc/vswapd/policies.d/default.json <<'JSON'
{ "schema_version": 1, "vswap": { "max": "48M" }, "writeback": { "enabled": false } }
JSON
cat >/etc/vswapd/policies.d/batch.json <<'JSON'
{ "schema_version": 1, "match": { "cgroup": "/batch.slice/*.service" },
  "vswap": { "max": "24M" }, "zswap": { "writeback": true } }
JSON
# The fault shim (tests/fault) fails vswapd's reads of /held.scope's memory.stat: vswapd
# manages that cgroup with its policy at once but can never evaluate it under it (below).
LD_PRELOAD=/lib/vswap_fault.so VSWAP_FAULTS='openr:*/held.scope/memory.stat:EIO' \
	VSWAP_FAULT_LOG=/out/faults.log vswapd --log-level debug >/out/vswapd.log 2>&1 &
daemon=$!
check "vswapd is up" wait_for 20 test -S /run/vswapd/control
[ -e $cg/init.scope ] && echo "note: an init.scope exists"

t0=$(date +%s)
# --- the policy is in force at the command's first instruction ---------------------------
vswapctl run --policy batch -- sh -c "$first_look" >/tmp/first.out 2>/tmp/first.err
rc=$?
cat /tmp/first.err /tmp/first.out
check "run --policy batch: exit 0" [ $rc = 0 ]
check "the command's first read of memory.vswap.max is batch's 24M" \
	[ "$(sed -n 2p /tmp/first.out)" = 25165824 ]
check "it ran in a cgroup NAME.scope next to the caller's (the root cgroup here)" \
	grep -q '^cgroup /vswap-run-[0-9a-f]\{8\}\.scope$' /tmp/first.out
check "run said what it started under, read back (stderr)" \
	grep -q 'Running in cgroup /vswap-run-.*policy batch in force: memory.vswap.max 24M' /tmp/first.err
check "the attachment is gone after exit" no_attachments
check "libcgroup's cgroup is gone after exit" no_scopes

# --- while it runs: show-policy, vswapd, the knob; then a signal through ---------------------
vswapctl run --unit job1 --policy batch -- sleep 60 >/tmp/job1.out 2>/tmp/job1.err &
job1=$!
check "job1 started" wait_for 30 grep -q '^Running in cgroup /job1.scope' /tmp/job1.err
check "job1's attachment is in /run/vswapd/attach.d" test -f /run/vswapd/attach.d/job1.scope.conf
vswapctl show-policy /job1.scope >/tmp/show1.txt 2>&1
cat /tmp/show1.txt
check "show-policy names batch while it runs, chosen by the attachment" \
	grep -q 'policy batch' /tmp/show1.txt
check "show-policy: chosen by /run/vswapd/attach.d/job1.scope.conf" \
	grep -q 'chosen by: attachment /run/vswapd/attach.d/job1.scope.conf' /tmp/show1.txt
vswapctl --json explain /job1.scope >/tmp/explain1.json 2>&1
check "vswapd manages /job1.scope with batch" grep -q '"policy": "batch"' /tmp/explain1.json
check "/job1.scope: memory.vswap.max 24M" [ "$(cat $cg/job1.scope/memory.vswap.max)" = 25165824 ]
kill -TERM $job1
wait $job1
rc=$?
check "SIGTERM to vswapctl reached sleep, and vswapctl died of it too (rc $rc = 128+15)" [ $rc = 143 ]
check "job1: attachment gone" no_attachments
check "job1: cgroup removed" test ! -e $cg/job1.scope

# --- exit status and the command's own signal pass through ----------------------------------
vswapctl run --policy batch -- sh -c 'exit 7' 2>/dev/null
rc=$?
check "exit status 7 passes through" [ $rc = 7 ]
vswapctl run --policy batch -- sh -c 'kill -KILL $$' 2>/dev/null
rc=$?
check "a command killed by SIGKILL: vswapctl dies of SIGKILL too (rc $rc = 137)" [ $rc = 137 ]
# A shell shows 128+N for an exit with that code too: its parent must see a death by signal.
ws=$(waitstatus vswapctl run --policy batch -- sh -c 'kill -TERM $$' 2>/dev/null)
check "a command killed by SIGTERM: vswapctl's parent sees it killed by signal 15 ($ws)" \
	[ "$ws" = "killed by signal 15" ]
vswapctl run --policy batch -- /no/such/command 2>/tmp/enoent.err
rc=$?
check "a command that does not exist: 127 ($rc)" [ $rc = 127 ]
check "and says so" grep -q 'cannot run /no/such/command' /tmp/enoent.err
check "nothing left by those" no_attachments

# --- -p: single fields, through the field table ---------------------------------------------
vswapctl run --unit job2 -p vswap.max=8M -p writeback.enabled=false -- sh -c "$first_look; vswapctl show-policy /job2.scope" \
	>/tmp/job2.out 2>/tmp/job2.err
rc=$?
cat /tmp/job2.err /tmp/job2.out
check "-p vswap.max=8M: exit 0" [ $rc = 0 ]
check "-p vswap.max=8M: the first read is 8M" [ "$(sed -n 2p /tmp/job2.out)" = 8388608 ]
check "-p: show-policy names the policy made for the run (run@job2)" grep -q 'policy run@job2' /tmp/job2.out
check "-p: the policy made for the run is gone" no_run_policies
vswapctl run --policy batch -p vswap.max=4M -- sh -c "$first_look" >/tmp/job3.out 2>/dev/null
check "--policy batch -p vswap.max=4M: 4M" [ "$(sed -n 2p /tmp/job3.out)" = 4194304 ]

# --- refusals: nothing starts ---------------------------------------------------------------
nothing_ran() { # RC WANTED
	[ "$1" = "$2" ] && [ ! -e /tmp/ran ] && no_attachments && no_run_policies && no_scopes
}
refused() { # RC DESCRIPTION ARGS... (the command would create /tmp/ran)
	want=$1 what=$2
	shift 2
	rm -f /tmp/ran
	vswapctl run "$@" -- touch /tmp/ran 2>/tmp/refused.err
	got=$?
	sed 's/^/  /' /tmp/refused.err
	check "$what: exit $want ($got), the command never ran, nothing left" nothing_ran $got $want
}
refused 4 "no such policy" --policy nope
refused 2 "-p with a bad value" -p vswap.max=lots
refused 2 "-p with an unknown field" -p vswap.maxx=1G
refused 2 "-p breaking a cross-field rule" -p pressure.threshold_us=2000000
printf '{ "schema_version": 1,\n  "vswap": { "max": "lots" } }\n' >/tmp/bad.json
refused 1 "a policy FILE with an error" --policy /tmp/bad.json
grep -q '/tmp/bad.json:2:' /tmp/refused.err
check "  ... named FILE:LINE:COLUMN" [ $? = 0 ]
refused 2 "--root" --root /tmp --policy batch

# --- not before vswapd has evaluated the cgroup under the policy once --------------------------
# vswapd manages /held.scope with batch at once (the reload), but the shim fails every sample
# of it: policy_samples stays 0, so the command must not start. A signal ends the wait.
rm -f /tmp/ran
vswapctl run --unit held --policy batch -- touch /tmp/ran 2>/tmp/held.err &
held=$!
held_batch() { vswapctl --json explain /held.scope 2>/dev/null | grep -q '"policy": "batch"'; }
check "held: vswapd manages /held.scope with batch" wait_for 20 held_batch
sleep 2
check "held: its command has not started (no evaluation under batch yet)" test ! -e /tmp/ran
kill -TERM $held
wait $held
rc=$?
check "held: SIGTERM ended the wait: vswapctl died of it ($rc = 143), nothing ran, nothing left" \
	nothing_ran $rc 143
check "held: the shim did fail vswapd's samples of it" grep -q 'held.scope/memory.stat' /out/faults.log

# --- --wait: the attachment stays while any process of the cgroup lives -----------------------
t=$(date +%s)
vswapctl run --wait --unit job4 --policy batch -- sh -c 'sleep 3 & exit 0' 2>/dev/null
rc=$?
took=$(($(date +%s) - t))
check "--wait: returned once the background sleep ended too (${took} s >= 3)" [ "$took" -ge 3 ]
check "--wait: exit 0, cgroup removed" sh -c "[ $rc = 0 ] && [ ! -e $cg/job4.scope ]"
vswapctl run --unit job5 --policy batch -- sh -c 'sleep 2 & exit 0' 2>/tmp/job5.err
check "without --wait: returns at once, says processes remain" grep -q 'remain in /job5.scope' /tmp/job5.err
check "without --wait: attachment gone, the cgroup stays while they run" \
	sh -c "[ -z \"\$(ls /run/vswapd/attach.d)\" ] && [ -e $cg/job5.scope ]"
sleep 3
rmdir $cg/job5.scope

# --- a user: in a delegated subtree, where an administrator lets it attach -------------------
mkdir -p $cg/deleg/shell $cg/system.slice/usershell
echo +memory >$cg/deleg/cgroup.subtree_control
chown -R 1000:1000 $cg/deleg # what systemd's Delegate=yes does for a user's manager
as_user() { # CGROUP COMMAND...: a process of uid 1000 in CGROUP
	sh -c 'echo $$ >"/sys/fs/cgroup$0/cgroup.procs" &&
		exec /usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups "$@"' "$@"
}
rm -f /tmp/ran
as_user /deleg/shell vswapctl run --policy batch -- touch /tmp/ran 2>/tmp/user1.err
rc=$?
cat /tmp/user1.err
check "user, attachments root's only: refused ($rc), nothing ran" nothing_ran $rc 1
check "  ... saying where it may not write" \
	grep -q 'cannot write /run/vswapd/attach.d as uid 1000' /tmp/user1.err
# An administrator's grant: uid 1000 may write attachments.
mkdir -p /run/vswapd/attach.d
chgrp 1000 /run/vswapd/attach.d
chmod 775 /run/vswapd/attach.d
rm -f /tmp/ran
as_user /system.slice/usershell vswapctl run --policy batch -- touch /tmp/ran 2>/tmp/user2.err
rc=$?
cat /tmp/user2.err
check "user outside a delegated subtree: refused ($rc), nothing ran" nothing_ran $rc 1
check "  ... saying the kernel's rule" grep -q 'cannot make a cgroup in /system.slice as uid 1000: a user may make one only inside a subtree delegated to it' /tmp/user2.err
as_user /deleg/shell vswapctl run --unit ujob --policy batch -- sh -c "$first_look" \
	>/tmp/user3.out 2>/tmp/user3.err
rc=$?
cat /tmp/user3.err /tmp/user3.out
check "user in its delegated subtree: run works (rc $rc)" [ $rc = 0 ]
check "  ... the cgroup made next to the user's (/deleg/ujob.scope)" \
	grep -q '^cgroup /deleg/ujob.scope$' /tmp/user3.out
check "  ... batch's 24M at the first instruction" [ "$(sed -n 2p /tmp/user3.out)" = 25165824 ]
check "  ... attachment and cgroup gone after" \
	sh -c "[ -z \"\$(ls /run/vswapd/attach.d)\" ] && [ ! -e $cg/deleg/ujob.scope ]"
chmod 755 /run/vswapd/attach.d
chgrp 0 /run/vswapd/attach.d

# --- without vswapd: refused ------------------------------------------------------------------
kill $daemon
wait $daemon
refused 1 "vswapd not running" --policy batch
grep -q 'vswapd is not running' /tmp/refused.err
check "  ... says vswapd is not running" [ $? = 0 ]
echo "run (libcgroup): checks took $(($(date +%s) - t0)) s"
cp /tmp/*.err /tmp/*.out /out/ 2>/dev/null
echo "run_busybox: $failures failures"
[ $failures -eq 0 ]
