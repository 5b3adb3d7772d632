# Guest side of tests/vm/kernel-selftests: run upstream cgroup selftest binaries (given as
# arguments, installed in /bin by the harness) from the scratch disk and record one line per
# case in /out/results.txt: "BINARY CASE pass|fail|flaky|skip". A binary with a failing case
# runs once more: a case that fails and then passes is "flaky" (test_zswap's
# test_zswap_writeback_enabled did so once under a loaded host: it reads zswpwb from
# memory.stat, which the kernel flushes lazily). Exit 0 if every binary ran.
set -u
results=/out/results.txt
: >"$results"
status=0

# run_one BINARY LOG: run it (bounded), its output to stderr (the console), and print its TAP
# cases as "CASE pass|fail|skip"
run_one() {
	local start rc
	echo "=== $1" >&2
	start=$(date +%s)
	# test_memcontrol's OOM cases need a bound; 900 s is far above any case seen under TCG.
	timeout 900 "$1" >"$2" 2>&1
	rc=$?
	cat "$2" >&2
	echo "=== $1 exit $rc in $(($(date +%s) - start)) s" >&2
	# TAP: "ok N name", "not ok N name", "ok N # SKIP name". With stdout on a file the
	# tests' forked children flush copies of the parent's buffer: keep each line once.
	awk '!seen[$0]++' "$2" | sed -n -e "s/^ok [0-9]* # SKIP \(.*\)/\1 skip/p" \
		-e "s/^ok [0-9]* \([^#].*\)/\1 pass/p" \
		-e "s/^not ok [0-9]* \(.*\)/\1 fail/p"
}

for t in "$@"; do
	run_one "$t" "/out/$t.log" >/tmp/cases
	if grep -q ' fail$' /tmp/cases; then
		echo "=== $t: a case failed, running $t once more" >&2
		run_one "$t" "/out/$t.rerun.log" >/tmp/rerun
		awk 'NR == FNR { again[$1] = $2; next }
			$2 == "fail" && again[$1] == "pass" { $2 = "flaky" } { print }' /tmp/rerun /tmp/cases \
			>/tmp/merged
		mv /tmp/merged /tmp/cases
	fi
	sed "s/^/$t /" /tmp/cases >>"$results"
	grep -q "^$t " "$results" || { echo "$t reported no test case"; status=1; }
done
exit $status
