#!/usr/bin/env bash
# vswapctl's configuration verbs against a running vswapd on a copy of a captured fixture:
# set-policy / unset-policy / show-policy / list-policies / cat-config, the daemon following
# each change, a refused change writing nothing, a bad hand-written attachment rejected as a
# whole with FILE:LINE:COLUMN while the old configuration stays, manual writeback/set-max.
#
#   tests/integration/policy-verbs.sh VSWAPD VSWAPCTL FIXTURE_DIR
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3
R=$(mktemp -d /tmp/vswapctl-it.XXXXXX)
TEST_NAME=policy-verbs.sh DAEMON_LOG="$R.log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$R" "$R.log")
ctl() { "$vswapctl" --root "$R" "$@"; }
# policy_of CGROUP: what the running daemon applies to it
policy_of() { ctl daemon --json | jq -r --arg c "$1" '.managed[] | select(.cgroup == $c) | .policy'; }
chosen_by() { ctl daemon --json | jq -r --arg c "$1" '.managed[] | select(.cgroup == $c) | .policy_chosen_by'; }
policy_is() { [ "$(policy_of "$1")" = "$2" ]; }
expect_policy() { wait_for 5 policy_is "$1" "$2" || fail "$1: daemon applies '$(policy_of "$1")', expected '$2'"; }
knob_is_not() { [ "$(cat "$R/sys/fs/cgroup$1/$2")" != "$3" ]; }

cp -a "$fixture/." "$R/"
chmod 755 "$R"
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$R/usr/lib/vswapd/policies.d"
cp "$src"/policies/examples/*.json "$R/usr/lib/vswapd/policies.d/"
b=/workload.slice/app-b.service

"$vswapd" --root "$R" --log-level debug >"$R.log" 2>&1 &
pid=$!
wait_for 10 test -S "$R/run/vswapd/control" || fail "no control socket"
expect_policy "$b" default

# --- set-policy by name: one atomic file, the daemon reloads and follows
out=$(ctl --json set-policy "$b" batch) || fail "set-policy failed: $out"
file=$(jq -r .file <<<"$out")
[ "$file" = "/etc/vswapd/attach.d/workload.slice-app\\x2db.service.conf" ] || fail "attachment file $file"
[ "$(jq -r '.changed, .previous_policy, .daemon' <<<"$out" | tr '\n' ' ')" = "true default reloaded " ] ||
	fail "set-policy reported $out"
grep -qx "Cgroup=$b" "$R$file" && grep -qx "Policy=batch" "$R$file" || fail "attachment content: $(cat "$R$file")"
expect_policy "$b" batch
[ "$(chosen_by "$b")" = "$file" ] || fail "daemon says chosen by $(chosen_by "$b")"
ls -A "$R/etc/vswapd/attach.d" | grep -q '^\.#' && fail "temporary file left behind"
# again: nothing changes, the daemon is not bothered
out=$(ctl --json set-policy "$b" batch)
[ "$(jq -r .changed <<<"$out")" = false ] || fail "second set-policy changed something"

# --- show-policy / list-policies / cat-config agree
show=$(ctl --json show-policy "$b")
[ "$(jq -r '.policy, .chosen_by, .settings.vswap.max, .settings.writeback.amount' <<<"$show" | tr '\n' ' ')" = \
	"batch attachment 25% 33554432 " ] || fail "show-policy: $show"
ctl show-policy "$b" | grep -q "vswap.max = \"25%\"" || fail "show-policy text"
[ "$(ctl --json list-policies | jq -r '.attachments[0].target, (.policies[] | select(.name == "batch") | .attachments)' | tr '\n' ' ')" = "$b 1 " ] ||
	fail "list-policies: $(ctl --json list-policies)"
ctl cat-config | grep -Fqx "# $file" || fail "cat-config misses $file"
[ "$(ctl --json cat-config | jq -r --arg f "$file" '.files[] | select(.path == $f) | .role')" = attachment ] ||
	fail "cat-config --json"

# --- refused changes write nothing
before=$(find "$R/etc" "$R/run" -type f | sort | md5sum)
ctl set-policy "$b" no-such-policy 2>"$R/err" && fail "unknown policy accepted"
grep -q 'no policy named "no-such-policy"' "$R/err" || fail "message: $(cat "$R/err")"
printf '{"schema_version": 2}\n' >"$R/future.json"
ctl set-policy "$b" "$R/future.json" 2>"$R/err" && fail "newer schema accepted"
grep -q "future.json:1:20: schema_version: written for schema version 2" "$R/err" || fail "message: $(cat "$R/err")"
# the version is judged first: a newer file's new fields are not "unknown fields"
printf '{"new_field": 1, "schema_version": 2}\n' >"$R/future2.json"
"$vswapctl" validate "$R/future2.json" 2>"$R/err" && fail "newer schema accepted"
grep -q "upgrade vswap-tools" "$R/err" || fail "newer file with new fields: $(cat "$R/err")"
set +e
ctl set-policy /a/../../etc batch 2>/dev/null; rc1=$?
ctl --unit "../../x.service" set-policy batch 2>/dev/null; rc2=$?
set -e
[ "$rc1$rc2" = 22 ] || fail "bad targets exit $rc1 $rc2, expected usage errors (2)"
[ "$(find "$R/etc" "$R/run" -type f | sort | md5sum)" = "$before" ] || fail "a refused change wrote files"

# --- a bad hand-written attachment: the whole reload fails, the old configuration stays
printf '[X-VSwap]\nCgroup=/workload.slice\nPolicy=batch\nMax=1G\n' >"$R/etc/vswapd/attach.d/hand.conf"
ctl reload 2>"$R/err" && fail "reload with a bad attachment succeeded"
grep -q "/etc/vswapd/attach.d/hand.conf:4:1" "$R/err" || fail "reload error: $(cat "$R/err")"
expect_policy "$b" batch
ctl set-policy "$b" database 2>"$R/err" && fail "set-policy on a broken configuration succeeded"
grep -q "hand.conf:4:1" "$R/err" || fail "set-policy did not name the broken file: $(cat "$R/err")"
# fleet CI: the whole tree offline, and the file alone
ctl validate 2>"$R/err" && fail "validate of the tree passed with a bad attachment"
grep -q "/etc/vswapd/attach.d/hand.conf:4:1: Max: unknown key" "$R/err" || fail "validate: $(cat "$R/err")"
"$vswapctl" validate "$R/etc/vswapd/attach.d/hand.conf" 2>/dev/null && fail "validate FILE passed a bad attachment"
rm "$R/etc/vswapd/attach.d/hand.conf"
ctl validate >/dev/null || fail "validate of the fixed tree failed"
# a staged tree with configuration only (no proc, no cgroup2), as a fleet's CI has it
mkdir -p "$R/stage/etc/vswapd"
cp -a "$R/etc/vswapd/." "$R/stage/etc/vswapd/"
cp -a "$R/usr" "$R/stage/"
"$vswapctl" --root "$R/stage" validate >/dev/null || fail "validate of a configuration-only tree"

# --- a policy FILE is installed and attached; /etc outranks --runtime (systemd's order)
printf '{"schema_version": 1, "match": {"cgroup": "/nowhere"}, "vswap": {"max": "3G"}}\n' >"$R/mine.json"
out=$(ctl --json set-policy "$b" "$R/mine.json")
[ "$(jq -r .policy_installed <<<"$out")" = /etc/vswapd/policies.d/mine.json ] || fail "install: $out"
expect_policy "$b" mine
runfile="$R/run/vswapd/attach.d/workload.slice-app\x2db.service.conf"
rc=0
ctl --runtime set-policy "$b" database >/dev/null 2>"$R/err" || rc=$?
[ "$rc" = 1 ] || fail "--runtime set-policy under an /etc attachment exited $rc"
grep -q "refused: .*/etc/vswapd/attach.d/.* decides (policy mine)" "$R/err" || fail "refusal: $(cat "$R/err")"
[ ! -e "$runfile" ] || fail "a refused set-policy left $runfile"
out=$(ctl --json --runtime --force set-policy "$b" database 2>"$R/err")
[ "$(jq -r '.effective_policy, .requested_policy, .changed' <<<"$out" | tr '\n' ' ')" = "mine database true " ] ||
	fail "--force: $out"
grep -q "warning: .* decides (policy mine)" "$R/err" || fail "--force says nothing: $(cat "$R/err")"
expect_policy "$b" mine
ctl --runtime unset-policy "$b" >/dev/null
[ ! -e "$runfile" ] || fail "--runtime unset-policy left $runfile"
expect_policy "$b" mine
# the same name with other settings is not replaced silently
printf '{"schema_version": 1, "match": {"cgroup": "/nowhere"}, "vswap": {"max": "1G"}}\n' >"$R/mine.json"
rc=0
ctl set-policy "$b" "$R/mine.json" >/dev/null 2>"$R/err" || rc=$?
[ "$rc" = 1 ] || fail "replacing policy mine with other settings exited $rc"
grep -q "vswap.max: 3221225472 -> 1073741824" "$R/err" || fail "no diff shown: $(cat "$R/err")"
grep -q "attached to $b" "$R/err" || fail "the targets are not shown: $(cat "$R/err")"
grep -q '"3G"' "$R/etc/vswapd/policies.d/mine.json" || fail "policy mine replaced without --force"
ctl --force set-policy "$b" "$R/mine.json" >/dev/null 2>&1 || fail "--force replace failed"
grep -q '"1G"' "$R/etc/vswapd/policies.d/mine.json" || fail "--force did not replace mine"
# a cgroup that does not exist yet is allowed, and said
out=$(ctl --json set-policy /not/yet.service database 2>"$R/err") || fail "set-policy of a future cgroup"
jq -e '.cgroup_exists == false' <<<"$out" >/dev/null || fail "cgroup_exists: $out"
grep -q "no cgroup /not/yet.service yet" "$R/err" || fail "not said: $(cat "$R/err")"
ctl unset-policy /not/yet.service >/dev/null

# --- unset-policy: back to what matches
out=$(ctl --json unset-policy "$b")
[ "$(jq -r '.changed, .effective_policy' <<<"$out" | tr '\n' ' ')" = "true default " ] || fail "unset-policy: $out"
[ ! -e "$R$file" ] || fail "attachment still there"
expect_policy "$b" default
ctl unset-policy "$b" | grep -q "no .* to remove" || fail "second unset-policy"

# --- unit drop-ins are written where systemd reads them
out=$(ctl --json --unit app.service set-policy batch)
[ "$(jq -r .file <<<"$out")" = /etc/systemd/system/app.service.d/50-vswap.conf ] || fail "drop-in: $out"
[ "$(cat "$R/etc/systemd/system/app.service.d/50-vswap.conf" | grep -v '^#')" = $'[X-VSwap]\nPolicy=batch' ] ||
	fail "drop-in content"
ctl --json --unit app.service show-policy | jq -e '.policy == "batch" and .chosen_by == "attachment"' >/dev/null ||
	fail "show-policy --unit"

# --- a policy that matches a unit by name is what show-policy --unit reports
ctl --json --unit postgresql.service show-policy | jq -e '.policy == "database" and .chosen_by == "match"' >/dev/null ||
	fail "show-policy --unit for a unit a policy matches: $(ctl --json --unit postgresql.service show-policy)"
# --- validate DIR refuses two default policies, as vswapd would
mkdir "$R/two"
cp "$src/policies/examples/default.json" "$R/two/a.json"
cp "$src/policies/examples/default.json" "$R/two/b.json"
"$vswapctl" validate "$R/two" 2>"$R/err" >/dev/null && fail "validate passed two default policies"
grep -q "b.json:1:1: a second default policy" "$R/err" || fail "validate two defaults: $(cat "$R/err")"

# --- manual actions: through the daemon for a managed cgroup
a=/workload.slice/app-a.service
out=$(ctl --json writeback "$a" 1M)
[ "$(jq -r .via <<<"$out")" = vswapd ] || fail "writeback not through vswapd: $out"
[ "$(cat "$R/sys/fs/cgroup$a/memory.vswap.writeback")" = 1048576 ] || fail "writeback knob"
out=$(ctl --json set-max "$a" 2G)
[ "$(cat "$R/sys/fs/cgroup$a/memory.vswap.max")" = 2147483648 ] || fail "set-max knob: $out"
# a cap set by hand stays across the policy's ticks (default policy: every 5 s) ...
sleep 6
[ "$(cat "$R/sys/fs/cgroup$a/memory.vswap.max")" = 2147483648 ] || fail "the policy undid set-max"
[ "$(ctl daemon --json | jq -r --arg c "$a" '.managed[] | select(.cgroup == $c) | .vswap_max_pinned_bytes')" = 2147483648 ] ||
	fail "daemon does not show the pinned cap"
# ... until a reload, when the policy's cap (50 % of memory.max) is in force again
ctl reload
wait_for 5 knob_is_not "$a" memory.vswap.max 2147483648 || fail "reload kept the pinned cap"
ctl --json set-max "$a" max | jq -e '.via == "vswapd"' >/dev/null || fail "set-max max not through vswapd"
[ "$(cat "$R/sys/fs/cgroup$a/memory.vswap.max")" = max ] || fail "set-max max"
ctl writeback "$a" 0 2>/dev/null && fail "writeback of 0 bytes accepted"
rc=0
ctl writeback /no/such 1M 2>/dev/null || rc=$?
[ $rc = 4 ] || fail "writeback on a missing cgroup: exit status $rc, not 4"

# --- top without a terminal: one plain table
ctl top --interval 0.2 | head -1 | grep -q "^CGROUP .*VSWAP" || fail "top header"
[ "$(ctl --json top --interval 0.2 --iterations 2 | jq -s 'length')" = 2 ] || fail "top --json iterations"
kill -0 "$pid" || fail "vswapd died"
echo "policy-verbs.sh: ok"
