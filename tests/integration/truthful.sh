#!/usr/bin/env bash
# vswapctl and vswapd say exactly what is in force (issue 13), on a copy of a captured
# patched-kernel tree:
#  - a --dry-run daemon: set-max and writeback say "would", and what they report is what
#    the kernel files say afterwards (memory.vswap.max still max, read back);
#  - ControlSocket= of vswapd.conf moves the socket, and vswapctl follows it there;
#  - validate: no file validated is an error (an empty directory, one with only *.yaml,
#    a directory named x.json); skipped files are listed; every error of a file, not the
#    first only; below --root the staged file is named;
#  - options a verb does not take are refused (exit 2); suggestions for typos;
#  - without the memory controller, status and top say why instead of an empty table.
#
#   tests/integration/truthful.sh VSWAPD VSWAPCTL FIXTURE_DIR
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3
R=$(mktemp -d /tmp/vswap-truth.XXXXXX)
TEST_NAME=truthful.sh DAEMON_LOG="$R.log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$R" "$R.log")
ctl() { "$vswapctl" --root "$R" "$@"; }
# said CMD...: what CMD printed on stdout and stderr, whatever its exit status
said() { "$@" 2>&1 || true; }
a=/workload.slice/app-a.service
cp -a "$fixture/." "$R/"
mkdir -p "$R/etc/vswapd/policies.d" "$R/etc/vswapd/vswapd.conf.d"
printf '{ "schema_version": 1, "match": { "cgroup": "%s" } }\n' "$a" >"$R/etc/vswapd/policies.d/app.json"
printf '[Daemon]\nControlSocket=/run/elsewhere/ctl\n' >"$R/etc/vswapd/vswapd.conf.d/50-socket.conf"

# --- a dry-run daemon on a socket of its configuration's choosing ---------------------------
"$vswapd" --root "$R" --dry-run >"$R.log" 2>&1 &
pid=$!
wait_for 10 test -S "$R/run/elsewhere/ctl" || fail "no socket where ControlSocket= says"
[ ! -e "$R/run/vswapd/control" ] || fail "a socket at the default path too"
wait_for 10 sh -c "'$vswapctl' --root '$R' --json daemon | jq -e '.dry_run and (.managed | length == 1)'" ||
	fail "vswapctl does not reach the daemon at its configured socket"
before=$(cat "$R/sys/fs/cgroup$a/memory.vswap.max")
out=$(ctl --json set-max "$a" 2M) || fail "set-max: $out"
jq -e '.via == "vswapd" and .result == "dry_run" and .vswap_max_unlimited == true and
	.vswap_max_bytes == null and .requested_vswap_max_bytes == 2097152' <<<"$out" >/dev/null ||
	fail "set-max on a dry run reports what did not happen: $out"
[ "$(cat "$R/sys/fs/cgroup$a/memory.vswap.max")" = "$before" ] || fail "a dry run wrote memory.vswap.max"
ctl set-max "$a" 2M | grep -q "would set memory.vswap.max to 2M (dry run); memory.vswap.max is max" ||
	fail "set-max text: $(ctl set-max "$a" 2M)"
out=$(ctl --json writeback "$a" 1M) || fail "writeback: $out"
jq -e '.result == "dry_run" and .vswap_current.before_bytes == .vswap_current.after_bytes' <<<"$out" >/dev/null ||
	fail "writeback on a dry run: $out"
ctl writeback "$a" 1M | grep -q "would write back 1M" || fail "writeback text: $(ctl writeback "$a" 1M)"
ctl --json explain "$a" | jq -e '[.decisions[].actions[].result] | all(. == "dry_run") and length > 0' >/dev/null ||
	fail "explain marks dry-run results as done: $(ctl --json explain "$a")"
kill -TERM "$pid"
wait "$pid" || fail "vswapd exited with $?"
pid=
echo "truthful.sh: ok: a dry run says would; figures read back; the configured socket is used"

# --- validate: nothing validated is no success ---------------------------------------------------
mkdir -p "$R/v/empty" "$R/v/yaml" "$R/v/x.json"
: >"$R/v/yaml/policy.yaml"
for d in "$R/v/empty" "$R/v/yaml" "$R/v/x.json"; do
	rc=0
	"$vswapctl" validate "$d" >"$R/out" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "validate $d (nothing to validate) exited $rc: $(cat "$R/out")"
	grep -q "no policy (\*.json) or attachment (\*.conf) file to validate" "$R/out" ||
		fail "validate $d: $(cat "$R/out")"
done
said "$vswapctl" validate "$R/v/yaml" | grep -q "policy.yaml: skipped" || fail "the skipped file is not said"
out=$("$vswapctl" --json validate "$R/v/yaml" 2>/dev/null) && fail "validate --json of nothing succeeded"
jq -e '.valid == false and .checked == 0 and (.skipped | length == 1) and .files == []' <<<"$out" >/dev/null ||
	fail "validate --json of nothing: $out"
printf '{ "schema_version": 1,\n  "vswap": { "max": "lots" },\n  "interval_s": -1,\n  "zswap": { "mx": "1M" } }\n' \
	>"$R/v/three.json"
n=$(said "$vswapctl" validate "$R/v/three.json" | grep -c "^$R/v/three.json:[0-9]*:[0-9]*: " || true)
[ "$n" = 3 ] || fail "validate showed $n of the 3 errors of one file"
said "$vswapctl" validate "$R/v/three.json" | grep -q 'zswap/mx: unknown field "mx": did you mean "max"?' ||
	fail "no suggestion for an unknown field"
cp "$R/v/three.json" "$R/etc/vswapd/policies.d/three.json"
said ctl validate | grep -q "^$R/etc/vswapd/policies.d/three.json:2:" ||
	fail "below --root, the error does not name the staged file: $(said ctl validate)"
rm "$R/etc/vswapd/policies.d/three.json"
echo "truthful.sh: ok: validate refuses to validate nothing, shows every error, names staged files"

# --- options and typos ------------------------------------------------------------------------------
for args in "status --runtime" "capabilities --unit x.service" "explain --force $a" "top --force"; do
	rc=0
	# shellcheck disable=SC2086 # split on purpose
	ctl $args >"$R/out" 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "vswapctl $args exited $rc: $(cat "$R/out")"
	grep -q "does not apply to it" "$R/out" || fail "vswapctl $args: $(cat "$R/out")"
done
said ctl stauts | grep -q "did you mean 'status'" || fail "no suggestion for a verb"
said ctl --jsn status | grep -q "did you mean --json" || fail "no suggestion for an option"
said ctl --no-reload set-policy "$a" ap | grep -q 'did you mean "app"' || fail "no suggestion for a policy"
echo "truthful.sh: ok: options a verb does not take refused; typos get a suggestion"

# --- no memory controller -------------------------------------------------------------------------------
sed -i 's/ *memory//' "$R/sys/fs/cgroup/cgroup.controllers"
for verb in status top; do
	rc=0
	ctl "$verb" >"$R/out" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "$verb without the memory controller exited $rc"
	grep -q "memory controller is not enabled.*vswapctl capabilities" "$R/out" || fail "$verb: $(cat "$R/out")"
done
echo "truthful.sh: ok: without the memory controller, status and top say why"
echo "truthful.sh: all checks passed"
