# shellcheck shell=sh
# Guest side: the run-time part of a boot of kernel/tests/boots.txt, done before its tests
# (the command line part is in boots.txt). Sourced by kernel/tests/vswap.sh and
# tests/vm/kselftest-cgroup.sh:  BOOT=NAME; . /bin/boot-setup.sh
# The zswap_off boot enables zswap itself, after its checks of the never-enabled state.

# set_knob FILE VALUE: write a sysfs knob and check that it took
set_knob() {
	echo "$2" >"$1" || { echo "boot-setup.sh: cannot write $2 to $1"; exit 1; }
	echo "boot-setup.sh: $1 = $(cat "$1")"
}

case "${BOOT:?}" in
default | zswap_off | nokmem) ;;
lru_gen)
	set_knob /sys/kernel/mm/lru_gen/enabled y
	;;
thp)
	# The kernel turns THP off below 512 MiB of RAM whatever the command line says: turn
	# PMD THP on for every anon mapping here, and 64K mTHP on top.
	set_knob /sys/kernel/mm/transparent_hugepage/enabled always
	set_knob /sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled always
	;;
*)
	echo "boot-setup.sh: unknown boot '$BOOT'"
	exit 1
	;;
esac
