#!/usr/bin/env bash
# vswapd for real against a copy of a captured fixture tree (plain files, so PSI triggers are
# unavailable and the daemon samples by timer): policies applied to the matching cgroup only,
# writeback triggered, explain and metrics, a bad policy rejected with the old one still in
# force, peer credentials on mutating requests, knobs restored when the policy goes, clean exit.
#
#   tests/integration/daemon.sh VSWAPD VSWAPCTL FIXTURE_DIR
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3
R=$(mktemp -d /tmp/vswapd-it.XXXXXX)
TEST_NAME=daemon.sh DAEMON_LOG="$R.log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$R" "$R.log" "$R.err" "$R.metrics")
knob() { cat "$R/sys/fs/cgroup/workload.slice/$1/$2"; }
ctl() { "$vswapctl" --root "$R" "$@"; }

cp -a "$fixture/." "$R/"
chmod 755 "$R"
app=workload.slice/app-a.service
[ -f "$R/sys/fs/cgroup/$app/memory.vswap.max" ] || fail "fixture has no memory.vswap.max (need a patched-kernel fixture)"
orig_max=$(knob app-a.service memory.vswap.max)
vswap_cur=$(knob app-a.service memory.vswap.current)
[ "$vswap_cur" -gt 4194304 ] || fail "fixture app-a holds only $vswap_cur bytes of vswap"
# A cap just above what app-a holds: writeback at 50 % of it fires at once.
cap=$(((vswap_cur / 4096 + 256) * 4096))
mkdir -p "$R/etc/vswapd/policies.d" "$R/usr/lib/vswapd/policies.d"
cat >"$R/etc/vswapd/policies.d/app-a.json" <<JSON
{ "schema_version": 1,
  "match": { "cgroup": "/$app" },
  "vswap": { "max": $cap },
  "writeback": { "amount": "4M", "cooldown_s": 0.5, "max_per_minute": "64M",
                 "when": [ { "vswap_above_percent": 50 } ] },
  "interval_s": 0.5 }
JSON
cp -a "$R/sys/fs/cgroup/workload.slice/app-b.service" "$R/app-b.before"

"$vswapd" --root "$R" --metrics-file /run/vswapd/metrics.prom --metrics-interval 1 \
	--log-level debug >"$R.log" 2>&1 &
pid=$!
wait_for 10 test -S "$R/run/vswapd/control" || fail "no control socket"

wait_for 10 sh -c "[ \"\$(cat $R/sys/fs/cgroup/$app/memory.vswap.max)\" = $cap ]" ||
	fail "memory.vswap.max not set to $cap (is $(knob app-a.service memory.vswap.max))"
wait_for 10 sh -c "[ \"\$(cat $R/sys/fs/cgroup/$app/memory.vswap.writeback 2>/dev/null)\" = 4194304 ]" ||
	fail "no writeback of 4M requested"
diff -r "$R/app-b.before" "$R/sys/fs/cgroup/workload.slice/app-b.service" ||
	fail "app-b, which no policy matches, was written to"

managed=$(ctl --json daemon | jq -r '.managed[].cgroup')
[ "$managed" = "/$app" ] || fail "managed set is '$managed'"
explain=$(ctl --json explain "/$app")
jq -e '[.decisions[].actions[].action] | index("set_vswap_max") and index("writeback")' \
	<<<"$explain" >/dev/null || fail "explain lacks the actions: $explain"
jq -e '.decisions[-1].actions[0].reason | test("vswap at .* of its cap")' <<<"$explain" >/dev/null ||
	fail "explain gives no reason: $explain"
ctl explain "/$app" | grep -q "writeback 4M: " || fail "explain text"

wait_for 5 grep -q 'vswapd_actions_total{cgroup="/'"$app"'",action="writeback"}' \
	"$R/run/vswapd/metrics.prom" || fail "metrics textfile lacks the writeback counter"
# The textfile in the Prometheus text format, the verb in OpenMetrics (tests/metrics reads both
# with the real collectors).
grep -qx '# TYPE vswapd_actions_total counter' "$R/run/vswapd/metrics.prom" ||
	fail "metrics textfile not in the Prometheus text format"
ctl metrics >"$R.metrics"
grep -q '^vswapd_managed_cgroups 1$' "$R.metrics" || fail "metrics verb"
tail -n1 "$R.metrics" | grep -qx '# EOF' || fail "metrics verb: OpenMetrics text not terminated"

# A bad policy: rejected whole, the old one stays in force.
printf '{ "schema_version": 1,\n  "vswap": { "max": "lots" } }\n' >"$R/run/bad.json"
mkdir -p "$R/run/vswapd/policies.d"
mv "$R/run/bad.json" "$R/run/vswapd/policies.d/bad.json"
if out=$(ctl reload 2>&1); then fail "reload accepted a bad policy"; fi
grep -q "/run/vswapd/policies.d/bad.json:2:21" <<<"$out" || fail "reload error lacks FILE:LINE:COLUMN: $out"
ctl --json daemon | jq -e '.last_reload_error | test("bad.json")' >/dev/null || fail "status lacks the reload error"
echo max >"$R/sys/fs/cgroup/$app/memory.vswap.max" # someone resets the knob
wait_for 10 sh -c "[ \"\$(cat $R/sys/fs/cgroup/$app/memory.vswap.max)\" = $cap ]" ||
	fail "the old policy stopped working after a bad reload"

# Mutating requests need root; reading does not. setpriv (util-linux, scripts/install-deps)
# drops to nobody; without it this check cannot run, and a test that skips it silently
# would pass with the peer-credential check broken.
command -v setpriv >/dev/null || fail "setpriv not found (util-linux): run scripts/install-deps"
[ "$(id -u)" = 0 ] || fail "needs root: the peer-credential check runs vswapctl as nobody"
if setpriv --reuid=65534 --regid=65534 --clear-groups "$vswapctl" --root "$R" reload 2>"$R.err"; then
	fail "an unprivileged reload was accepted"
fi
grep -q "permission denied" "$R.err" || fail "unprivileged reload: $(cat "$R.err")"
setpriv --reuid=65534 --regid=65534 --clear-groups "$vswapctl" --root "$R" daemon >/dev/null ||
	fail "an unprivileged status request was refused"

# The policy goes (inotify, no explicit reload): knobs return to what the daemon found.
rm "$R/run/vswapd/policies.d/bad.json" "$R/etc/vswapd/policies.d/app-a.json"
wait_for 10 sh -c "[ \"\$(cat $R/sys/fs/cgroup/$app/memory.vswap.max)\" = $orig_max ]" ||
	fail "memory.vswap.max not restored to $orig_max"
wait_for 5 sh -c "$vswapctl --root $R --json daemon | jq -e '.managed == []'" ||
	fail "still managing after the policy went"

kill -TERM "$pid"
wait "$pid" || fail "vswapd exited with $?"
pid=
[ ! -e "$R/run/vswapd/control" ] || fail "control socket left behind"
echo "daemon.sh: all checks passed"
