# Shared by the shell tests that run vswapd on a fixture copy: sourced, not run.
# Before sourcing set TEST_NAME (for messages); DAEMON_LOG may name the daemon's log, whose
# tail (or sanitizer report) fail() shows, and a function fail_context may print more (it
# runs on stderr).
# On exit the daemon under test ($pid, empty when none) gets STOP_SIGNAL (default TERM) and
# the paths in SCRATCH are removed; a failure other than fail() (set -e) shows the daemon's
# log too.

pid=
SCRATCH=()
testlib_failed=
testlib_cleanup() {
	local rc=$?

	if [ "$rc" -ne 0 ] && [ -z "$testlib_failed" ] && [ -n "${DAEMON_LOG:-}" ] &&
		[ -f "$DAEMON_LOG" ]; then
		echo "$TEST_NAME: FAIL: exit $rc" >&2
		show_daemon_log "$DAEMON_LOG" >&2
	fi
	if [ -n "$pid" ] && kill "-${STOP_SIGNAL:-TERM}" "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
	fi
	rm -rf ${SCRATCH[@]+"${SCRATCH[@]}"}
}
trap testlib_cleanup EXIT

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 when it never does.
wait_for() {
	local limit=$(($1 * 10)) n
	shift
	for ((n = 0; n < limit; n++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# show_daemon_log LOG: its last 40 lines or, when a sanitizer (a VSWAP_SANITIZE build)
# reported in it, its first ASan/LSan/UBSan report whole, which 40 lines of tail can cut.
show_daemon_log() {
	local at
	at=$(grep -n -m 1 -E '^==[0-9]+==ERROR: |: runtime error: ' "$1" | cut -d: -f1) || true
	if [ -n "$at" ]; then
		echo "--- daemon log from line $at: a sanitizer report"
		sed -n "$at,$((at + 199))p" "$1"
	else
		echo "--- daemon log (last 40 lines)"
		tail -n 40 "$1"
	fi
}

# fail MESSAGE...: say why, show what the daemon logged, stop the test.
fail() {
	testlib_failed=1
	echo "$TEST_NAME: FAIL: $*" >&2
	if [ -n "${DAEMON_LOG:-}" ] && [ -f "$DAEMON_LOG" ]; then
		show_daemon_log "$DAEMON_LOG" >&2
	fi
	if declare -F fail_context >/dev/null; then
		fail_context >&2
	fi
	exit 1
}
