# shellcheck shell=sh
# Guest side of tests/vm/kernel-selftests: run upstream cgroup selftest binaries (installed in
# /bin by the harness) from the scratch disk, in a boot of kernel/tests/boots.txt:
#   kselftest-cgroup.sh BOOT BINARY...
# The boot's run-time setup is /bin/boot-setup.sh's (zswap_off: zswap is enabled at run
# time first, the upstream tests need it). For each BINARY its TAP
# output goes to /out/BINARY.tap and its exit code to /out/BINARY.rc; the host compares them
# with the expected case list (tests/vm/kselftest-verdict).
# A binary runs again (/out/BINARY.rerunN.tap, .rc) only when every case that failed is
# listed as flaky, with its measured rate F/R, in /etc/kselftest-expected.txt: as many times
# as it takes for each to pass once, at most enough runs that a case failing at its listed
# rate fails them all with a chance under 1 % (2 reruns at 1/20, 3 at 1/10, 4 at 6/20; never
# more than 4).
# The verdict accepts such a failure only if the case passed in one of them. A failure of
# an unlisted case stands at once: no rerun.
# Exit 0 if every binary ran (whatever its results), 1 otherwise.
set -u
expected=/etc/kselftest-expected.txt
status=0
BOOT=${1:?boot name}
shift
# shellcheck source-path=SCRIPTDIR source=../../kernel/tests/boot-setup.sh
. /bin/boot-setup.sh
[ "$BOOT" = zswap_off ] && set_knob /sys/module/zswap/parameters/enabled 1

# run BINARY SUFFIX: run it (bounded), TAP to /out/BINARY$SUFFIX.tap, exit code to .rc
run() {
	start=$(date +%s)
	echo "=== $1$2" >&2
	# test_memcontrol's OOM cases need a bound; 900 s is far above any case seen under TCG.
	timeout 900 "/bin/$1" >"/out/$1$2.tap" 2>&1
	rc=$?
	echo "$rc" >"/out/$1$2.rc"
	cat "/out/$1$2.tap" >&2
	echo "=== $1$2 exit $rc in $(($(date +%s) - start)) s" >&2
}

# rerun_budget BINARY "CASE...": the reruns the failed CASEs need, from their listed flake
# rates; 0 if one of them is not listed as flaky
rerun_budget() {
	[ -f "$expected" ] || { echo 0; return; }
	awk -v b="$1" -v cases="$2" 'BEGIN { n = split(cases, c, " "); for (i = 1; i <= n; i++) want[c[i]] = 1 }
		$1 == b && ($2 in want) && $4 == "flaky" && split($5, fr, "/") == 2 && fr[2] > 0 {
			p = fr[1] / fr[2]
			k = (p > 0 && p < 1) ? int(log(0.01) / log(p)) + 1 : 4
			if (k > 4) k = 4
			if (k > max) max = k
			listed[$2] = 1
		}
		END { for (x in want) if (!(x in listed)) { print 0; exit } print max + 0 }' "$expected"
}

# failed_cases TAP: the cases reported "not ok" in TAP
failed_cases() {
	sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$1" | sort -u | tr '\n' ' '
}

for t in "$@"; do
	if [ ! -x "/bin/$t" ]; then
		echo "kselftest-cgroup.sh: /bin/$t missing"
		status=1
		continue
	fi
	run "$t" ""
	pending=$(failed_cases "/out/$t.tap")
	[ -n "$pending" ] || continue
	budget=$(rerun_budget "$t" "$pending")
	i=1
	while [ "$i" -le "$budget" ] && [ -n "$pending" ]; do
		echo "=== $t: $pending failed, listed as flaky: rerun $i of at most $budget" >&2
		run "$t" ".rerun$i"
		# still pending: those that did not pass this time either
		still=""
		for c in $pending; do
			grep -q "^ok [0-9]* $c\( \|$\)" "/out/$t.rerun$i.tap" || still="$still$c "
		done
		pending=$still
		i=$((i + 1))
	done
done
exit $status
