#!/usr/bin/env bash
# Security of vswapd's control socket and of policy and CLI input, on a copy of a captured
# patched-kernel tree:
#  - every mutating request from an unprivileged user (nobody) is refused with an error
#    JSON and changes nothing; read requests are served;
#  - a request over 64 KiB is answered with an error and the connection closed; malformed
#    JSON, wrong types, unknown commands and escaping cgroup paths get an error JSON; the
#    daemon keeps serving throughout;
#  - vswapctl refuses '..', absolute escapes, control characters (exit 2) and symlinks out
#    of the hierarchy (exit 1), reading nothing outside;
#  - policy files with \u0000 in a string or absurd sizes fail validate with FILE:LINE:COLUMN;
#  - vswapd imports no function that runs a program (no shell-outs).
#
#   tests/security/security.sh VSWAPD VSWAPCTL FIXTURE_DIR CTLSEND
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3 ctlsend=$4
W=$(mktemp -d /tmp/vswapd-sec.XXXXXX)
TEST_NAME=security.sh DAEMON_LOG="$W/log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$W")
R=$W/root
command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed to act as nobody"
# A private copy of the helper nobody can run (the build tree may be root-only).
cp "$ctlsend" "$W/ctlsend"
chmod 755 "$W" "$W/ctlsend"
sock=$R/run/vswapd/control
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# send [nobody] JSON: the daemon's reply (exit 3: closed without one)
send() {
	local who=$1
	shift
	if [ "$who" = nobody ]; then
		printf '%s\n' "$1" | as_nobody "$W/ctlsend" "$sock"
	else
		printf '%s\n' "$1" | "$W/ctlsend" "$sock"
	fi
}
# refused REPLY PATTERN: an error JSON whose message matches PATTERN
refused() { jq -e --arg p "$2" '.ok == false and (.error | test($p))' <<<"$1" >/dev/null; }
alive() {
	kill -0 "$pid" 2>/dev/null || fail "vswapd died"
	send root '{"command":"status"}' | jq -e '.ok == true' >/dev/null || fail "vswapd stopped serving"
}

A=/workload.slice/app-a.service
mkdir -p "$R"
cp -a "$fixture/." "$R/"
mkdir -p "$R/etc/vswapd/policies.d"
cat >"$R/etc/vswapd/policies.d/app-a.json" <<JSON
{ "schema_version": 1, "match": { "cgroup": "$A" }, "interval_s": 0.5 }
JSON
cp "$R/etc/vswapd/policies.d/app-a.json" "$R/etc/vswapd/policies.d/other.json"
sed -i 's/"match": { "cgroup": "[^"]*" }/"match": { "cgroup": "\/nothing" }/' \
	"$R/etc/vswapd/policies.d/other.json"
chmod -R a+rX "$R"
"$vswapd" --root "$R" --log-level info >"$W/log" 2>&1 &
pid=$!
wait_for 10 test -S "$sock" || fail "no control socket"
wait_for 10 sh -c "'$vswapctl' --root '$R' --json daemon | jq -e '.managed | length == 1'" ||
	fail "app-a not managed"
cp -a "$R/sys/fs/cgroup" "$W/cgroup.before"

# 1. Unprivileged: every mutating command refused, nothing changed; reading allowed.
for req in '{"command":"reload"}' \
	'{"command":"override","cgroup":"'$A'","policy":"other"}' \
	'{"command":"clear-override","cgroup":"'$A'"}' \
	'{"command":"writeback","cgroup":"'$A'","bytes":4096}' \
	'{"command":"set-max","cgroup":"'$A'","bytes":4096}'; do
	reply=$(send nobody "$req") || fail "no reply to nobody's $req"
	refused "$reply" "permission denied" || fail "nobody's $req: $reply"
done
diff -r "$W/cgroup.before" "$R/sys/fs/cgroup" >/dev/null || fail "an unprivileged request changed a knob"
"$vswapctl" --root "$R" --json daemon | jq -e '.managed[0].override == null' >/dev/null ||
	fail "an unprivileged override took effect"
for req in '{"command":"status"}' '{"command":"metrics"}' '{"command":"explain","cgroup":"'$A'"}'; do
	send nobody "$req" | jq -e '.ok == true' >/dev/null || fail "nobody's $req was refused"
done
# The same through vswapctl: exit 1 with the daemon's message.
if as_nobody "$vswapctl" --root "$R" writeback "$A" 4096 2>"$W/err"; then
	fail "vswapctl writeback as nobody succeeded"
fi
grep -q "permission denied" "$W/err" || fail "vswapctl as nobody: $(cat "$W/err")"
alive
echo "security.sh: ok: unprivileged mutating requests refused (5 commands), reads served"

# 2. Oversized and malformed requests: an error JSON (or, past the limit, an error and a
#    closed connection), and the daemon goes on serving.
reply=$(head -c 70000 /dev/zero | tr '\0' 'x' | "$W/ctlsend" "$sock") || true
refused "$reply" "larger than" || fail "70000-byte request: '$reply'"
reply=$( (printf '{"command":"status","pad":"'; head -c 66000 /dev/zero | tr '\0' 'y'; printf '"}\n') |
	"$W/ctlsend" "$sock") || true
refused "$reply" "larger than" || fail "66000-byte JSON request: '${reply:0:200}'"
alive
while IFS='|' read -r req pattern; do
	reply=$(send root "$req") || fail "no reply to $req"
	refused "$reply" "$pattern" || fail "$req: $reply"
done <<EOF
{|malformed JSON
not json at all|malformed JSON
[]|expected a JSON object
"status"|expected a JSON object
{"command":5}|expected a JSON object
{"command":null}|expected a JSON object
{"command":"nope"}|unknown command
{"command":"STATUS"}|unknown command
{"command":"stat"}|unknown command
{"command":"explain"}|expected a cgroup path
{"command":"explain","cgroup":7}|expected a cgroup path
{"command":"explain","cgroup":"../.."}|expected a cgroup path
{"command":"explain","cgroup":"/workload.slice/../../etc"}|expected a cgroup path
{"command":"explain","cgroup":"/a\u0001b"}|expected a cgroup path
{"command":"explain","cgroup":"/nonexistent"}|not managed
{"command":"writeback","cgroup":"$A","bytes":"lots"}|expected a positive integer
{"command":"writeback","cgroup":"$A","bytes":-1}|expected a positive integer
{"command":"writeback","cgroup":"$A","bytes":0}|expected a positive integer
{"command":"writeback","cgroup":"$A","bytes":1e400}|expected a positive integer
{"command":"set-max","cgroup":"$A"}|expected a positive integer
{"command":"override","cgroup":"$A","policy":"no-such"}|no policy named
{"command":"override","cgroup":"$A","policy":3}|no policy named
EOF
diff -r "$W/cgroup.before" "$R/sys/fs/cgroup" >/dev/null || fail "a refused request changed a knob"
alive
echo "security.sh: ok: oversized and malformed requests answered with errors, daemon serving"

# 3. vswapctl with paths that try to leave the hierarchy.
ln -s /etc "$R/sys/fs/cgroup/workload.slice/to-etc"
ln -s ../../../../.. "$R/sys/fs/cgroup/workload.slice/to-root"
for p in ../.. /../../etc /workload.slice/../.. $'/a\x01b' $'/a\nb'; do
	rc=0
	"$vswapctl" --root "$R" status "$p" >"$W/out" 2>"$W/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "vswapctl status '$p' exited $rc (want 2, usage): $(cat "$W/err")"
	grep -q "invalid cgroup path" "$W/err" || fail "vswapctl status '$p': $(cat "$W/err")"
	# explain checks the path the same way before asking the daemon.
	rc=0
	"$vswapctl" --root "$R" explain "$p" >"$W/out" 2>"$W/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "vswapctl explain '$p' exited $rc (want 2, usage): $(cat "$W/err")"
	grep -q "invalid cgroup path" "$W/err" || fail "vswapctl explain '$p': $(cat "$W/err")"
done
for p in /workload.slice/to-etc /workload.slice/to-root; do
	rc=0
	"$vswapctl" --root "$R" status "$p" >"$W/out" 2>"$W/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "vswapctl status $p (a symlink out) exited $rc: $(cat "$W/err")"
	grep -q "$p" "$W/err" || fail "vswapctl status $p: the error does not name it: $(cat "$W/err")"
	! grep -q "$p" "$W/out" || fail "vswapctl status $p printed a row: $(cat "$W/out")"
done
# The daemon's walk does not follow them either (nothing outside gets managed or written).
kill -HUP "$pid"
sleep 1
"$vswapctl" --root "$R" --json daemon | jq -e '[.managed[].cgroup] == ["'$A'"]' >/dev/null ||
	fail "the daemon manages something through a symlink"
alive
echo "security.sh: ok: vswapctl refuses '..', control characters and symlinks out"

# 4. Policy input: NUL in strings, absurd sizes; validate exits 1 naming FILE:LINE:COLUMN.
n=0
while IFS='|' read -r field value pattern; do
	n=$((n + 1))
	f=$W/p$n.json
	printf '{ "schema_version": 1,\n  %s: %s }\n' "$field" "$value" >"$f"
	rc=0
	"$vswapctl" validate "$f" >"$W/out" 2>&1 || rc=$?
	[ "$rc" -eq 1 ] || fail "validate accepted ($rc) $field: $value: $(cat "$W/out")"
	grep -qE "^$f:2:[0-9]+: .*$pattern" "$W/out" || fail "validate $field: $value: $(cat "$W/out")"
done <<'EOF'
"vswap"|{ "max": "1\u0000G" }|NUL character
"match"|{ "cgroup": "/a\u0000b" }|NUL character
"description"|"x\u0000y"|NUL character
"vswap"|{ "max": "99999999999E" }|out of range
"vswap"|{ "max": "-1" }|not a size
"vswap"|{ "max": -1 }|cannot be negative
"vswap"|{ "max": 1e400 }|expected a size
"vswap"|{ "max": 18446744073709551616 }|out of range
"interval_s"|1e400|out of range
"interval_s"|-1|out of range
EOF
echo "security.sh: ok: $n bad policy files refused with FILE:LINE:COLUMN"

# 5. No shell-outs: vswapd imports nothing that starts a program.
imports=$(nm -D --undefined-only "$vswapd" | awk '{print $NF}' | sed 's/@.*//')
[ -n "$imports" ] || fail "nm found no imports in $vswapd"
bad=$(grep -xE 'system|popen|fork|vfork|clone|clone3|posix_spawnp?|exec[lv]p?e?|execvpe|fexecve|execveat|wordexp|dlopen' <<<"$imports" || true)
[ -z "$bad" ] || fail "vswapd imports $(echo $bad)"
echo "security.sh: ok: vswapd imports no system/popen/fork/exec*/posix_spawn/dlopen"

kill -TERM "$pid"
wait "$pid" || fail "vswapd exited with $?"
pid=
echo "security.sh: all checks passed"
