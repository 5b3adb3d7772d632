#!/usr/bin/env bash
# Soak (label soak): create/delete churn of 10 000 cgroups while vswapd runs, on a copy of
# a captured patched-kernel tree in tmpfs. A default policy (no "match") manages every
# cgroup, so each churned directory gets a managed entry, a timer and knob writes
# (vswap.max, writeback) before it goes; its inotify IN_CREATE/IN_DELETE drive the rescans.
# Asserts:
#  - the daemon stays up and answers `vswapctl daemon` after every wave;
#  - the managed set equals the cgroups that exist (with memory.current) mid-churn and after;
#  - every churned cgroup was sampled while it existed (samples >= 1 before deletion);
#  - after the churn, the fd count and the inotify watch count are back to their baseline
#    exactly (FD_SLACK = 0, counted at rest: the daemon opens a cgroup's files per round and
#    closes them, and holds no fd per managed cgroup on a tree of plain files, which takes
#    no PSI trigger);
#  - anonymous memory (RssAnon: where a leak is; VmRSS also counts library pages faulted in by
#    the code paths a churn exercises) does not trend up: its median over the second half of
#    the waves is within LEAK_SLACK_KIB of its median over the first half, and VmHWM (the peak of
#    each wave: 1000 managed cgroups) grows by no more than that over the measured waves
#    (not in a sanitized build, where LeakSanitizer checks the exit instead: see check_rss);
#  - nothing is logged at warning level or above (a cgroup removed between the sample and
#    the knob write is no failure).
# The baseline is taken after a warm-up wave of the same size (heap, sd-event's timer
# queues, the managed array grown once to their size for 1000 cgroups); the waves do not
# overlap, so each one reaches the same peak.
#
#   tests/soak/churn.sh VSWAPD VSWAPCTL FIXTURE_DIR CGCHURN
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3 cgchurn=$4
WAVES=${SOAK_WAVES:-10}
PER_WAVE=${SOAK_PER_WAVE:-1000}
FD_SLACK=0
# 1.5 MiB over 10 000 cgroups: a leak of 157 bytes or more per cgroup fails (a managed
# entry is 1816 bytes plus its explain ring: losing one per cgroup is 18 MiB, and fails).
# Measured after the warm-up on a busy 2-core host: VmRSS -32..+668 KiB (how much of the
# heap top malloc gave back after the last wave), VmHWM +72..+496 KiB; 1 MiB left too little
# margin. A lost path string per cgroup (~48 bytes) would pass: the valgrind label finds that.
RSS_SLACK_KIB=${SOAK_RSS_SLACK_KIB:-1536}
# Between the two medians lie WAVES/2 x PER_WAVE = 5000 cgroups: 1.5 MiB fails a leak of 315
# bytes per cgroup (a lost managed record, 296 bytes plus its strings and explain ring, is
# ~1 KiB). Measured 1 s after each wave, 10 and 24 waves: RssAnon 1.6-3.1 MiB, no trend: the
# heap's fragmentation, after the trim that follows a large drop, decides where it lands
# (medians of the two halves differed by +0.1 and +1.2 MiB in two runs). Smaller leaks are
# LeakSanitizer's (the sanitized run: any unreferenced block at exit) and valgrind's.
LEAK_SLACK_KIB=${SOAK_LEAK_SLACK_KIB:-1536}
# VSWAP_SANITIZED (set by a VSWAP_SANITIZE build): no RSS bounds. ASan keeps freed blocks in
# its quarantine (256 MiB) and adds redzones and shadow: measured VmRSS 94 MiB after the
# warm-up, 340-360 MiB from wave 3 on. LeakSanitizer checks instead, at the daemon's exit
# (its status is asserted below), for any block no longer referenced, however small; growth
# that stays referenced is left to the RSS bounds of the release build.
check_rss=yes
[ -n "${VSWAP_SANITIZED:-}" ] && check_rss=no

shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
W=$(mktemp -d "$shm/vswapd-soak.XXXXXX")
TEST_NAME=churn.sh DAEMON_LOG="$W/log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$W")
R=$W/root
ctl() { "$vswapctl" --root "$R" "$@"; }
CG=$R/sys/fs/cgroup

fds() { find "/proc/$pid/fd" -mindepth 1 | wc -l; }
# the fd count at rest: the least of 20 looks over a second (a sampling round or a vswapctl
# connection holds one or two more for a moment)
fds_rest() {
	local least=1000000 n k
	for ((k = 0; k < 20; k++)); do
		n=$(fds)
		[ "$n" -lt "$least" ] && least=$n
		sleep 0.05
	done
	echo "$least"
}
watches() { cat /proc/"$pid"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true; }
status_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
# what exists: every cgroup below the root with memory.current, as the daemon names them
existing() { (cd "$CG" && find . -mindepth 2 -name memory.current -printf '%h\n' | cut -c2- | sort); }
managed() { ctl --json daemon | jq -r '.managed[].cgroup' | sort; }
same_sets() { diff <(existing) <(managed) >/dev/null; }
alive() {
	kill -0 "$pid" 2>/dev/null || fail "vswapd died"
	ctl --json daemon >/dev/null || fail "vswapd does not answer"
}
# cgchurn makes each cgroup appear and go as a whole, as mkdir/rmdir on cgroupfs do.
create_wave() { "$cgchurn" create "$W/template" "$W/memory.current" "$CG/workload.slice" "churn-$1-" "$PER_WAVE"; }
delete_wave() { "$cgchurn" delete "$CG/workload.slice" "churn-$1-" "$PER_WAVE"; }
# wave I: create wave I, wait until the daemon manages exactly what exists and has sampled
# every cgroup of it at least once, delete it, wait until the managed set follows. (Waves do
# not overlap: the peak is the same each time, so the peak RSS is comparable.)
wave() {
	local i=$1
	create_wave "$i"
	alive
	wait_for 60 same_sets || fail "wave $i: managed set differs from the tree: $(diff <(existing) <(managed) | head -5)"
	wait_for 60 sh -c "'$vswapctl' --root '$R' --json daemon | jq -e '[.managed[] | select(.cgroup | startswith(\"/workload.slice/churn-$i-\")) | select(.samples < 1)] | length == 0'" ||
		fail "wave $i: some cgroups never sampled"
	peak_rss=$(status_kib VmRSS)
	delete_wave "$i"
	alive
	wait_for 60 same_sets || fail "wave $i: managed set differs after deleting: $(diff <(existing) <(managed) | head -5)"
}

mkdir -p "$R"
cp -a "$fixture/." "$R/"
# app-a's files: a numeric memory.max and vswap above the cap, so every churned cgroup gets
# memory.vswap.max and writeback trigger writes, and no per-cgroup note.
cp -a "$CG/workload.slice/app-a.service" "$W/template"
mv "$W/template/memory.current" "$W/memory.current"
mkdir -p "$R/etc/vswapd/policies.d"
cat >"$R/etc/vswapd/policies.d/all.json" <<'JSON'
{ "schema_version": 1,
  "vswap": { "max": "50%" },
  "writeback": { "amount": "1M", "cooldown_s": 0.5, "max_per_minute": "1G",
                 "when": [ { "vswap_above_percent": 1 } ] },
  "interval_s": 0.5 }
JSON
"$vswapd" --root "$R" --log-level warning >"$W/log" 2>&1 &
pid=$!
wait_for 10 test -S "$R/run/vswapd/control" || fail "no control socket"
wait_for 10 same_sets || fail "managed set differs from the tree at start"
n_fixture=$(existing | wc -l)
start=$SECONDS

# Warm-up: one wave, then the baseline.
wave 0
sleep 2 # let timers of the remaining cgroups fire and the last rescan settle
fd0=$(fds_rest) w0=$(watches) rss0=$(status_kib VmRSS) hwm0=$(status_kib VmHWM) anon0=$(status_kib RssAnon)
echo "churn.sh: baseline after warm-up: $fd0 fds, $w0 inotify watches, VmRSS $rss0 KiB (RssAnon $anon0), VmHWM $hwm0 KiB, $n_fixture fixture cgroups"

# Sample fds and RSS throughout, for the report.
(while kill -0 "$pid" 2>/dev/null; do
	echo "$(find "/proc/$pid/fd" -mindepth 1 2>/dev/null | wc -l) $(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null)"
	sleep 0.2
done >"$W/samples") &
sampler=$!

anons=()
for ((i = 1; i <= WAVES; i++)); do
	wave "$i"
	sleep 1 # the rescan that follows the deletions, and its trim
	anons+=("$(status_kib RssAnon)")
	echo "churn.sh: wave $i: $PER_WAVE created and deleted, VmRSS $peak_rss KiB at the peak, now $(status_kib VmRSS) KiB (RssAnon ${anons[-1]}), fds $(fds) ($((SECONDS - start)) s)"
done
# median LIST...: the middle value (the lower one of an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
half=$((WAVES / 2))
anon_first=$(median "${anons[@]:0:half}")
anon_second=$(median "${anons[@]:half}")
[ "$(existing | wc -l)" -eq "$n_fixture" ] || fail "churned directories left behind"
sleep 2
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true

fd1=$(fds_rest) w1=$(watches) rss1=$(status_kib VmRSS) hwm1=$(status_kib VmHWM) anon1=$(status_kib RssAnon)
max_fd=$(sort -n -k1 "$W/samples" | tail -1 | cut -d' ' -f1)
max_rss=$(sort -n -k2 "$W/samples" | tail -1 | cut -d' ' -f2)
echo "churn.sh: after $((WAVES * PER_WAVE)) cgroups: $fd1 fds (peak $max_fd), $w1 inotify watches, VmRSS $rss1 KiB (RssAnon $anon1, peak sampled $max_rss), VmHWM $hwm1 KiB, $((SECONDS - start)) s"
[ "$fd1" -ge $((fd0 - FD_SLACK)) ] && [ "$fd1" -le $((fd0 + FD_SLACK)) ] || fail "fd count $fd0 -> $fd1: $(ls -l "/proc/$pid/fd")"
[ "$w1" -eq "$w0" ] || fail "inotify watches $w0 -> $w1"
if [ "$check_rss" = yes ]; then
	echo "churn.sh: RssAnon medians: waves 1-$half $anon_first KiB, waves $((half + 1))-$WAVES $anon_second KiB"
	[ $((anon_second - anon_first)) -le "$LEAK_SLACK_KIB" ] ||
		fail "RssAnon trends up: median $anon_first -> $anon_second KiB (slack $LEAK_SLACK_KIB)"
	[ $((hwm1 - hwm0)) -le "$RSS_SLACK_KIB" ] || fail "VmHWM grew $hwm0 -> $hwm1 KiB (slack $RSS_SLACK_KIB)"
else
	echo "churn.sh: sanitized build: VmRSS and VmHWM not bounded (ASan quarantine); LeakSanitizer checks the exit"
fi
grep -qiE 'error|cannot|failed' "$W/log" && fail "the daemon logged errors: $(grep -iE 'error|cannot|failed' "$W/log" | head -5)"
kill -TERM "$pid"
wait "$pid" || fail "vswapd exited with $?"
pid=
echo "churn.sh: ok"
