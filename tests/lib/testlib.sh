# Shared by the shell tests that run vswapd on a fixture copy: sourced, not run.
# Before sourcing set TEST_NAME (for messages); DAEMON_LOG may name the daemon's log, whose
# tail fail() shows, and a function fail_context may print more (it runs on stderr).
# On exit the daemon under test ($pid, empty when none) gets STOP_SIGNAL (default TERM) and
# the paths in SCRATCH are removed.

pid=
SCRATCH=()
testlib_cleanup() {
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

# fail MESSAGE...: say why, show what the daemon logged, stop the test.
fail() {
	echo "$TEST_NAME: FAIL: $*" >&2
	if [ -n "${DAEMON_LOG:-}" ] && [ -f "$DAEMON_LOG" ]; then
		echo "--- daemon log (last 40 lines)" >&2
		tail -n 40 "$DAEMON_LOG" >&2
	fi
	if declare -F fail_context >/dev/null; then
		fail_context >&2
	fi
	exit 1
}
