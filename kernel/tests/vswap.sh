# Guest scenario for tests/vm/run: run the test_vswap cgroup selftest and print its TAP.
# Needs the binary in the guest: tests/vm/run --file test_vswap:/bin/test_vswap ...
# (kernel/tests/run-vswap-selftest builds it and passes it).
# Exit: 0 every test passed; 77 every test skipped (kernel without memory.vswap.*); 1 otherwise.
set -u

bin=/bin/test_vswap
if [ ! -x "$bin" ]; then
	echo "vswap.sh: $bin missing (pass --file test_vswap:/bin/test_vswap to tests/vm/run)"
	exit 1
fi

echo "vswap.sh: kernel $(uname -r), zswap enabled=$(cat /sys/module/zswap/parameters/enabled 2>/dev/null)"
{
	"$bin"
	echo $? >/tmp/test_vswap.rc
} 2>&1 | tee "$OUT/test_vswap.tap"
rc=$(cat /tmp/test_vswap.rc)
echo "vswap.sh: test_vswap exit $rc"
grep -E '^(pswp|zswp|swpout_zero|swpin_zero)' /proc/vmstat

case "$rc" in
0) exit 0 ;;
4) exit 77 ;; # KSFT_SKIP
*) exit 1 ;;
esac
