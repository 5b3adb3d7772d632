# shellcheck shell=sh
# Guest scenario for tests/vm/run: one boot of the kernel/tests matrix (boots.txt).
#   vswap.sh BOOT [TEST...]   (needs /bin/test_vswap and /bin/boot-setup.sh, via --file)
# With TESTS, the default boot runs only those (kernel/mutate tries a mutant's expected
# killer alone first).
# Each step runs /bin/test_vswap on some of its tests: TAP to $OUT/STEP.tap, exit code to
# $OUT/STEP.rc. The host compares them with kernel/tests/expected/BOOT.txt
# (tests/vm/kselftest-verdict). Exit 0 if every step ran, 1 if the boot could not be set up.
set -u
boot=${1:-default}
[ $# -gt 0 ] && shift
bin=/bin/test_vswap
if [ ! -x "$bin" ]; then
	echo "vswap.sh: $bin missing (pass --file test_vswap:/bin/test_vswap to tests/vm/run)"
	exit 1
fi

# step NAME [TEST...]: run test_vswap (all tests without TEST)
step() {
	name=$1
	shift
	start=$(date +%s)
	echo "vswap.sh: step $name: test_vswap $*"
	"$bin" "$@" >"$OUT/$name.tap" 2>&1
	echo $? >"$OUT/$name.rc"
	cat "$OUT/$name.tap"
	echo "vswap.sh: step $name: exit $(cat "$OUT/$name.rc") in $(($(date +%s) - start)) s"
}

echo "vswap.sh: boot $boot, kernel $(uname -r), cmdline: $(cat /proc/cmdline)"
BOOT=$boot
# shellcheck source-path=SCRIPTDIR source=boot-setup.sh
. /bin/boot-setup.sh
case "$boot" in
default)
	step test_vswap "$@"
	;;
zswap_off)
	# zswap was never enabled: its lists do not exist yet
	step before test_vswap_zswap_off test_vswap_counts
	set_knob /sys/module/zswap/parameters/enabled 1
	step after test_vswap_counts test_vswap_max_writeback test_vswap_writeback \
		test_vswap_turns test_vswap_zswap_off
	;;
nokmem)
	step test_vswap test_vswap_nokmem test_vswap_counts test_vswap_stat_order \
		test_vswap_large_folios
	;;
lru_gen)
	step test_vswap test_vswap_counts test_vswap_max_writeback test_vswap_max_no_writeback \
		test_vswap_max_no_writeback_oom test_vswap_turns test_vswap_rewrite \
		test_vswap_deleted_shmem test_vswap_munmap
	;;
thp)
	step test_vswap test_vswap_large_folios test_vswap_counts test_vswap_munmap \
		test_vswap_max_writeback
	;;
*)
	echo "vswap.sh: unknown boot '$boot'"
	exit 1
	;;
esac
grep -E '^(pswp|zswp|swpout_zero|swpin_zero|thp_swpout)' /proc/vmstat
exit 0
