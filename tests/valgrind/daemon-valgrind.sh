#!/usr/bin/env bash
# The daemon integration test (tests/integration/daemon.sh) with vswapd under valgrind's
# memcheck: any invalid read or write, use of uninitialised memory, bad free, or a leak that is
# definitely or indirectly lost fails it. The daemon is stopped with SIGTERM by daemon.sh and
# must exit 0, so every exit path's frees are checked.
#
#   tests/valgrind/daemon-valgrind.sh VSWAPD VSWAPCTL FIXTURE_DIR DAEMON_SH OPENAT2_EMUL_SO
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3 daemon_sh=$4 emul=$5
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v valgrind >/dev/null || { echo "daemon-valgrind.sh: valgrind not installed (scripts/install-deps --build)" >&2; exit 1; }

T=$(mktemp -d /tmp/vswapd-vg.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
# A wrapper in place of vswapd: daemon.sh starts it, signals it and waits for its exit status.
# The shim stands in for openat2, which valgrind 3.19 fails with ENOSYS (openat2-emul.c).
cat >"$T/vswapd" <<WRAP
#!/bin/sh
LD_PRELOAD=$emul exec valgrind --error-exitcode=99 --exit-on-first-error=no \\
	--leak-check=full --show-leak-kinds=definite,indirect \\
	--errors-for-leak-kinds=definite,indirect --track-origins=yes \\
	--suppressions=$here/vswapd.supp --log-file=$T/valgrind.log \\
	$vswapd "\$@"
WRAP
chmod 755 "$T/vswapd"

status=0
"$daemon_sh" "$T/vswapd" "$vswapctl" "$fixture" || status=$?
# valgrind's own notes about syscall 437 (openat2, emulated by the shim) are no finding.
grep -v -e 'unhandled amd64-linux syscall: 437' -e 'You may be able to write' \
	-e README_MISSING_SYSCALL -e 'Nevertheless we consider' -e bug_reports.html \
	"$T/valgrind.log" >"$T/findings.log" || true
# daemon.sh fails when vswapd (valgrind) exits non-zero: 99 is a memcheck finding.
if [ "$status" -ne 0 ] || ! grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$T/findings.log"; then
	echo "daemon-valgrind.sh: FAIL (daemon.sh exit $status)" >&2
	echo "--- valgrind log" >&2
	cat "$T/findings.log" >&2
	exit 1
fi
grep -E 'ERROR SUMMARY|definitely|indirectly|in use at exit' "$T/findings.log" | sed 's/^==[0-9]*== //'
echo "daemon-valgrind.sh: no memcheck errors, no definite or indirect leaks"
