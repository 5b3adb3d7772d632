# Guest side of bench/run (busybox sh under tests/vm/run). One sub-benchmark per boot:
#   idle ROUNDS N SECONDS       vswapd and oomd, one at a time on the same N idle cgroups: CPU
#                               ticks over SECONDS and peak RSS ("IDLE ..." lines); systemd-oomd
#                               needs systemd as PID 1: bench/idle-systemd
#   reaction EPISODES           pressure episodes in one cgroup: PSI trigger times (psiwatch),
#                               vswapd's knob writes (its log, timestamped) and the 1 s poller's
#                               writes, all CLOCK_MONOTONIC ns, into $OUT/reaction-*.txt
#   offload ROUNDS HOT COLD SECONDS   the hot/cold workload under none, static, senpai,
#                               vswapd, rotating the order per round ("OFFLOAD ..." lines)
# Binaries come in through --file: vswapd, oomd and the bench helpers.
set -u
MODE=$1
shift
cg=/sys/fs/cgroup
mkdir -p /run /etc/vswapd/policies.d "$OUT"
hz=100

ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hwm_of() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
stop() { # PID: TERM, then wait for it
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# ---- idle -------------------------------------------------------------------------------
start_daemon() { # NAME LOG: start one daemon managing $cg/bench.slice/*, print its pid
	case $1 in
	vswapd)
		vswapd --log-level warning >"$2" 2>&1 &
		echo $!
		;;
	oomd)
		mkdir -p /run/oomd
		oomd --interval 1 --config /etc/oomd-idle.json --cgroup-fs $cg \
			--runtime-dir /run/oomd >"$2" 2>&1 &
		echo $!
		;;
	esac
}

idle() {
	rounds=$1 n=$2 secs=$3
	mkdir -p $cg/bench.slice
	echo +memory >$cg/bench.slice/cgroup.subtree_control
	i=0
	while [ $i -lt "$n" ]; do
		mkdir $cg/bench.slice/c$i.service
		i=$((i + 1))
	done
	cat >/etc/vswapd/policies.d/bench.json <<'JSON'
{ "schema_version": 1, "match": { "cgroup": "/bench.slice/*" },
  "writeback": { "enabled": false } }
JSON
	# Debian's /etc/oomd/oomd.json rules, pointed at the benchmark's cgroups.
	cat >/etc/oomd-idle.json <<'JSON'
{ "rulesets": [ {
    "name": "bench protection", "silence-logs": "engine",
    "detectors": [ [ "pressure above 60 for 30s",
        { "name": "pressure_above", "args": { "cgroup": "bench.slice/*", "resource": "memory",
                                              "threshold": "60", "duration": "30" } },
        { "name": "memory_reclaim", "args": { "cgroup": "bench.slice/*", "duration": "10" } } ] ],
    "actions": [ { "name": "kill_by_memory_size_or_growth", "args": { "cgroup": "bench.slice/*" } } ] } ] }
JSON
	set -- vswapd oomd
	r=1
	while [ $r -le "$rounds" ]; do
		for d in "$@"; do
			log=$OUT/idle-$d-$r.log
			pid=$(start_daemon "$d" "$log")
			sleep 10 # startup: first sample of every cgroup, triggers armed
			if ! kill -0 "$pid" 2>/dev/null; then
				echo "IDLE daemon=$d round=$r failed"
				tail -5 "$log"
				continue
			fi
			t0=$(ticks_of "$pid")
			sleep "$secs"
			t1=$(ticks_of "$pid")
			rss=$(hwm_of "$pid")
			extra=""
			# The back-off ramp, measured: samples per cgroup since start and the periods
			# reached (PSI triggers armed: 5 s, then x4 per quiet round, at most 320 s)
			[ "$d" = vswapd ] && extra=$(vswapctl --json daemon 2>/dev/null | awk -v RS=, -F: '
				/"samples"/ { n++; s += $2 }
				/"sample_period_s"/ { p = $2 + 0; if (!lo || p < lo) lo = p; if (p > hi) hi = p }
				END { printf "managed=%d samples=%d period_min_s=%g period_max_s=%g", n, s, lo, hi }')
			stop "$pid"
			echo "IDLE daemon=$d round=$r ticks=$((t1 - t0)) seconds=$secs hz=$hz rss_kib=$rss $extra"
			sleep 2
		done
		# rotate the order: drift in the guest hits every daemon alike
		first=$1
		shift
		set -- "$@" "$first"
		r=$((r + 1))
	done
}

# ---- reaction ---------------------------------------------------------------------------
reaction() {
	episodes=$1
	G=$cg/react
	mkdir $G
	echo 24M >$G/memory.max
	# Every trigger firing makes vswapd write memory.vswap.writeback while memhog runs (a
	# firing after it exited finds zswap empty: nothing to do); the 300 s interval keeps
	# timer ticks from writing in between.
	cat >/etc/vswapd/policies.d/react.json <<'JSON'
{ "schema_version": 1, "match": { "cgroup": "/react" }, "interval_s": 300,
  "pressure": { "type": "some", "threshold_us": 100000, "window_us": 1000000 },
  "writeback": { "amount": "4K", "cooldown_s": 0, "max_per_minute": "1G",
                 "io_backoff_some_above": 100, "when": [ { "zswap_above": "4K" } ] } }
JSON
	# T: the trigger fires; W: a completed write to vswapd's knob or the poller's, one clock
	psiwatch $G "some 100000 1000000" memory.vswap.writeback memory.high \
		>"$OUT/reaction-trigger.txt" &
	watch=$!
	vswapd --log-level debug 2>&1 | tslines >"$OUT/reaction-vswapd.txt" &
	sleep 3
	poller $G 100000 $G/memory.high max >"$OUT/reaction-poller.txt" &
	poll=$!
	e=1
	while [ $e -le "$episodes" ]; do
		sh -c "echo \$\$ >$G/cgroup.procs && exec memhog -m 40 -z 10 -r 10 -p 1 -q" \
			>/tmp/memhog.out 2>&1 || echo "episode $e: memhog failed"
		sleep 3 # quiet: longer than two windows, so the next episode starts from zero
		e=$((e + 1))
	done
	stop $poll
	stop $watch
	killall vswapd 2>/dev/null
	sleep 1
	echo "REACTION episodes=$episodes triggers=$(grep -c '^T ' "$OUT/reaction-trigger.txt")" \
		"vswapd_wakeups=$(grep -c 'pressure trigger fired' "$OUT/reaction-vswapd.txt")" \
		"vswapd_writes=$(grep -c 'ACTION=writeback' "$OUT/reaction-vswapd.txt")" \
		"poller_writes=$(wc -l <"$OUT/reaction-poller.txt")"
}

# ---- offload ----------------------------------------------------------------------------
# Microseconds the cgroup's tasks have stalled on memory ("some" total): the time the kernel
# says the workload lost to reclaim and refaults, free of the emulation noise of its rate.
some_total() { awk '$1 == "some" { sub("total=", "", $5); print $5 }' "$1/memory.pressure"; }

offload_run() { # CONFIG ROUND HOT COLD SECONDS
	c=$1 r=$2 hot=$3 cold=$4 secs=$5
	A=$cg/work.slice/app
	mkdir $A
	sh -c "echo \$\$ >$A/cgroup.procs && exec hotcold $hot $cold $secs" >/tmp/hotcold.out 2>&1 &
	w=$!
	while ! grep -q ready /tmp/hotcold.out; do sleep 0.5; done
	stall0=$(some_total $A)
	dpid=""
	case $c in
	static)
		# the working set plus 16 MiB, set once the workload is in (as the daemons start
		# then): the write reclaims down to it, the workload keeps running meanwhile
		echo $(((hot + 16) * 1048576)) >$A/memory.high &
		;;
	senpai)
		oomd --interval 1 --config /etc/oomd-senpai.json --cgroup-fs $cg \
			--runtime-dir /run/oomd >"$OUT/offload-senpai-$r.log" 2>&1 &
		dpid=$!
		;;
	vswapd)
		cp /etc/offload-vswapd.json /etc/vswapd/policies.d/
		vswapd --log-level notice >"$OUT/offload-vswapd-$r.log" 2>&1 &
		dpid=$!
		;;
	esac
	start=$(cut -d. -f1 /proc/uptime)
	: >"$OUT/offload-$c-$r.mem"
	while kill -0 $w 2>/dev/null; do
		echo "$(($(cut -d. -f1 /proc/uptime) - start)) $(cat $A/memory.current)" >>"$OUT/offload-$c-$r.mem"
		sleep 2
	done
	stall1=$(some_total $A)
	wait $w
	[ -n "$dpid" ] && stop "$dpid"
	rm -f /etc/vswapd/policies.d/offload-vswapd.json
	rate=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' /tmp/hotcold.out)
	# memory.current over the last third of the run: where the daemon has taken it
	# (not the samples after the workload ended: t < SECONDS - 1)
	mem=$(awk -v s="$secs" '$1 >= 2 * s / 3 && $1 < s - 1 { t += $2; n++ }
		END { if (n) printf "%.0f", t / n }' \
		"$OUT/offload-$c-$r.mem")
	peak=$(awk '$2 > m { m = $2 } END { print m }' "$OUT/offload-$c-$r.mem")
	echo "OFFLOAD config=$c round=$r rate=$rate mem_bytes=$mem start_bytes=$peak" \
		"zswpout=$(awk '$1 == "zswpout" { print $2 }' $A/memory.stat)" \
		"zswpin=$(awk '$1 == "zswpin" { print $2 }' $A/memory.stat)" \
		"stall_us=$((stall1 - stall0)) seconds=$secs"
	rmdir $A
	sleep 2
}

offload() {
	rounds=$1 hot=$2 cold=$3 secs=$4
	mkdir -p $cg/work.slice
	echo +memory >$cg/work.slice/cgroup.subtree_control
	# The Senpai plugin of Debian's oomd 0.5.0 with its published defaults (only the cgroup
	# is given): interval 6 ticks at oomd's --interval 1, pressure_ms 10, max_probe 0.01,
	# max_backoff 1.0, coeff_probe 10, coeff_backoff 20, limit_min_bytes 100M.
	cat >/etc/oomd-senpai.json <<'JSON'
{ "rulesets": [ { "name": "senpai", "silence-logs": "engine",
    "detectors": [ [ "always", { "name": "continue", "args": {} } ] ],
    "actions": [ { "name": "senpai", "args": { "cgroup": "work.slice/app" } } ] } ] }
JSON
	# policies/examples/default.json, matched to the workload, with offload enabled at its
	# defaults (step 1 % of memory.current every 6 s while memory PSI some avg10 < 0.1 %).
	cat >/etc/offload-vswapd.json <<'JSON'
{ "schema_version": 1, "match": { "cgroup": "/work.slice/app" },
  "vswap": { "max": "50%" },
  "writeback": { "amount": "16M", "max_per_minute": "256M",
    "when": [ { "vswap_above_percent": 90 }, { "ratio_below": 1.5, "zswap_above": "32M" } ] },
  "offload": { "enabled": true } }
JSON
	set -- none static senpai vswapd
	r=1
	while [ $r -le "$rounds" ]; do
		for c in "$@"; do offload_run "$c" $r "$hot" "$cold" "$secs"; done
		first=$1
		shift
		set -- "$@" "$first"
		r=$((r + 1))
	done
}

case $MODE in
idle) idle "$@" ;;
reaction) reaction "$@" ;;
offload) offload "$@" ;;
*) echo "unknown mode $MODE"; exit 2 ;;
esac
exit 0
