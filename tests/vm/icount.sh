# shellcheck shell=bash
# Sourced by tests/vm/run and tests/systemd/run. icount_args ACCEL: with VSWAP_VM_ICOUNT=1
# under TCG, set icount (QEMU's -icount arguments) and icount_cmdline (kernel arguments);
# both empty otherwise. The guest's clock then counts executed instructions,
# 2^VSWAP_VM_ICOUNT_SHIFT virtual ns each (default 0), so a guest-timed benchmark is not
# blurred by the host's load; all vCPUs share that clock. The kernel cannot calibrate the TSC
# under TCG (no PIT/HPET reference) and falls back to refined-jiffies, 4 ms steps; QEMU's TSC
# counts one tick per virtual ns, so the guest is told its rate and gets a nanosecond clock.
# shellcheck disable=SC2034 # icount and icount_cmdline are for the sourcing script
icount_args() {
	icount=() icount_cmdline=""
	[ "${VSWAP_VM_ICOUNT:-0}" = 1 ] && [ "$1" = tcg ] || return 0
	local shift_n=${VSWAP_VM_ICOUNT_SHIFT:-0}
	[[ "$shift_n" =~ ^[0-9]$ ]] || die "VSWAP_VM_ICOUNT_SHIFT must be 0..9, not '$shift_n'"
	icount=(-icount "shift=$shift_n,sleep=off")
	icount_cmdline="tsc_early_khz=$((1000000 >> shift_n)) tsc=reliable"
}
