# Harness self-test, run inside the guest by tests/vm/run (busybox sh, cwd on the scratch disk).
# Checks what every other scenario relies on, then pushes 100 MiB through a 64 MiB memory.max
# cgroup with memhog and checks that zswap and swap took it and that no page came back wrong.
set -u

fail=0
check() { # DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		fail=1
	fi
}
stat_of() { # FILE KEY -> value of "KEY value" line
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}

cg=/sys/fs/cgroup
check "cgroup2 mounted" grep -q "^cgroup2 $cg cgroup2" /proc/mounts
check "memory controller enabled for children" grep -qw memory $cg/cgroup.subtree_control
check "swap device active" test "$(awk 'NR > 1' /proc/swaps | wc -l)" -ge 1
check "zswap enabled" grep -qx Y /sys/module/zswap/parameters/enabled
check "PSI available" test -r /proc/pressure/memory
check "cwd on the ext4 scratch disk" grep -q " /mnt/scratch ext4 " /proc/mounts
check "debugfs mounted" test -d /sys/kernel/debug/zswap
check "delay accounting on" grep -qx 1 /proc/sys/kernel/task_delayacct
check "/out writable" touch /out/selftest-was-here

mkdir $cg/hog
echo 64M >$cg/hog/memory.max
start=$(date +%s)
# Run memhog inside the cgroup: 100 MiB, 20 % zero, 30 % random, the rest compressible;
# re-read and verify twice so pages come back from zswap, swap and the zeromap.
sh -c "echo \$\$ >$cg/hog/cgroup.procs && exec memhog -m 100 -z 20 -r 30 -p 2"
rc=$?
echo "memhog took $(($(date +%s) - start)) s"
check "memhog exit 0 (all pages read back correctly)" test "$rc" = 0

grep -E '^(zswap|zswapped|zswpin|zswpout|swpin_zero|swpout_zero|pgmajfault) ' $cg/hog/memory.stat
grep -E '^(oom|oom_kill|max) ' $cg/hog/memory.events
echo "memory.swap.peak $(cat $cg/hog/memory.swap.peak)"
check "cgroup was never OOM-killed" test "$(stat_of $cg/hog/memory.events oom_kill)" = 0
check "pages went to zswap (zswpout > 0)" test "$(stat_of $cg/hog/memory.stat zswpout)" -gt 0
check "pages came back from zswap (zswpin > 0)" test "$(stat_of $cg/hog/memory.stat zswpin)" -gt 0
check "zero pages skipped compression (swpout_zero > 0)" \
	test "$(stat_of $cg/hog/memory.stat swpout_zero)" -gt 0
check "swap usage peaked above 32 MiB" test "$(cat $cg/hog/memory.swap.peak)" -gt 33554432
check "global pswpout or zswpout counted" \
	test "$(($(stat_of /proc/vmstat pswpout) + $(stat_of /proc/vmstat zswpout)))" -gt 0
cp $cg/hog/memory.stat /out/hog-memory.stat
rmdir $cg/hog

exit $fail
