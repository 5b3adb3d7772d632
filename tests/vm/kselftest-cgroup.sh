# Guest side of tests/vm/kernel-selftests: run upstream cgroup selftest binaries (given as
# arguments, installed in /bin by the harness) from the scratch disk and record one line per
# case in /out/results.txt: "BINARY CASE pass|fail|skip". Exit 0 if every binary ran.
set -u
results=/out/results.txt
: >"$results"
status=0
for t in "$@"; do
	echo "=== $t"
	start=$(date +%s)
	# test_memcontrol's OOM cases need a bound; 900 s is far above any case seen under TCG.
	timeout 900 "$t" >"/out/$t.log" 2>&1
	rc=$?
	cat "/out/$t.log"
	echo "=== $t exit $rc in $(($(date +%s) - start)) s"
	# TAP: "ok N name", "not ok N name", "ok N # SKIP name". With stdout on a file the
	# tests' forked children flush copies of the parent's buffer: keep each line once.
	awk '!seen[$0]++' "/out/$t.log" | sed -n -e "s/^ok [0-9]* # SKIP \(.*\)/$t \1 skip/p" \
		-e "s/^ok [0-9]* \([^#].*\)/$t \1 pass/p" \
		-e "s/^not ok [0-9]* \(.*\)/$t \1 fail/p" >>"$results"
	grep -q "^$t " "$results" || { echo "$t reported no test case"; status=1; }
done
exit $status
