# shellcheck shell=bash
# Guest side of bench/idle-systemd (bash, run by tests/systemd/run in Debian 12 with systemd
# 252 as PID 1): vswapd and systemd-oomd, one at a time, each watching the same N idle
# services, every one of them with ManagedOOMMemoryPressure=kill (what systemd-oomd
# monitors) and matched by a vswapd policy (writeback off, as bench/idle-cost). Both run
# as their shipped units start them. CPU = utime + stime of the daemon's main process over
# SECONDS, from 10 s after it started; one "IDLE ..." line per daemon and round in
# $OUT/idle.txt, the order alternating per round. Also per round: what systemd-oomd says it
# monitors (oomctl), and vswapd's managed set.
#   $TESTDIR/files/idle-params: N=... ROUNDS=... SECONDS_PER=...
#   $TESTDIR/files/systemd-oomd_*.deb: Debian's package (the image does not have it)
set -u
# shellcheck source=/dev/null
. "$TESTDIR/files/idle-params"
log() { echo "IDLE-SD: $*" | tee -a "$OUT/idle.log"; }
fatal() {
	log "FATAL: $*"
	exit 1
}
hz=$(getconf CLK_TCK)

log "kernel $(uname -r), $(systemctl --version | head -n 1), $N services, $ROUNDS rounds of $SECONDS_PER s"
dpkg -i "$TESTDIR/vswap-tools.deb" >"$OUT/dpkg.log" 2>&1 || fatal "dpkg -i vswap-tools"
dpkg -i "$TESTDIR"/files/systemd-oomd_*.deb >>"$OUT/dpkg.log" 2>&1 || fatal "dpkg -i systemd-oomd"
systemctl stop vswapd.service systemd-oomd.service systemd-oomd.socket

# N services that sleep, in their own slice; systemd hands them to systemd-oomd.
mkdir -p /etc/systemd/system /etc/vswapd/policies.d
cat >/etc/systemd/system/idle@.service <<'EOF'
[Unit]
Description=idle service %i (bench/idle-systemd)

[Service]
Slice=idle.slice
ExecStart=/bin/sleep infinity
ManagedOOMMemoryPressure=kill
EOF
cat >/etc/vswapd/policies.d/idle.json <<'EOF'
{ "schema_version": 1, "match": { "cgroup": "/idle.slice/idle@*.service" },
  "writeback": { "enabled": false } }
EOF
systemctl daemon-reload
t=$(date +%s)
units=()
for ((i = 1; i <= N; i++)); do units+=("idle@$i.service"); done
systemctl start "${units[@]}" || fatal "starting the idle services"
running=$(systemctl list-units --state=running --no-legend 'idle@*.service' | wc -l)
log "$running of $N idle services running after $(($(date +%s) - t)) s"
[ "$running" = "$N" ] || fatal "only $running idle services run"
# A unit with ManagedOOMMemoryPressure= pulls in systemd-oomd.socket and the service: stop
# them, and check below that each daemon is measured alone.
systemctl stop systemd-oomd.service systemd-oomd.socket
sleep 10
alone() { # DAEMON: the other one is not running
	local other=systemd-oomd.service
	[ "$1" = systemd-oomd ] && other=vswapd.service
	! systemctl is-active --quiet "$other" || fatal "$other runs while $1 is measured"
}

# measure DAEMON ROUND: start its unit, 10 s, then SECONDS_PER s of CPU ticks
measure() {
	local d=$1 r=$2 unit pid t0 t1 rss extra=""
	unit=$d.service
	! systemctl is-active --quiet "$unit" || fatal "$unit already runs: not measured from its start"
	systemctl start "$unit" || fatal "systemctl start $unit"
	sleep 10
	pid=$(systemctl show -P MainPID "$unit")
	[ "$pid" -gt 0 ] 2>/dev/null || fatal "$unit has no main process"
	alone "$d"
	t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep "$SECONDS_PER"
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	alone "$d"
	rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	if [ "$d" = systemd-oomd ]; then
		oomctl dump >"$OUT/oomctl-$r.txt" 2>&1
		extra="monitored=$(grep -c 'Path: /idle.slice/idle@' "$OUT/oomctl-$r.txt")"
	else
		vswapctl --json daemon >"$OUT/vswapd-daemon-$r.json" 2>&1
		extra="managed=$(jq '.managed | length' "$OUT/vswapd-daemon-$r.json")"
	fi
	[ "$(systemctl show -P MainPID "$unit")" = "$pid" ] || fatal "$unit restarted while measured"
	systemctl stop "$unit"
	[ "$d" = systemd-oomd ] && systemctl stop systemd-oomd.socket
	echo "IDLE daemon=$d round=$r ticks=$((t1 - t0)) seconds=$SECONDS_PER hz=$hz rss_kib=$rss $extra" |
		tee -a "$OUT/idle.txt"
	sleep 5
}

set -- vswapd systemd-oomd
for ((r = 1; r <= ROUNDS; r++)); do
	for d in "$@"; do measure "$d" "$r"; done
	set -- "$2" "$1" # the other first next round: drift in the guest hits both alike
done
journalctl -b --no-pager -u systemd-oomd.service >"$OUT/systemd-oomd.journal.txt" 2>&1
journalctl -b --no-pager -u vswapd.service >"$OUT/vswapd.journal.txt" 2>&1
log "done"
exit 0
