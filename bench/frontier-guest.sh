# shellcheck shell=bash
# Guest side of bench/frontier (bash, run by tests/systemd/run in Debian 12 with systemd as
# PID 1 on the patched kernel): one real program, driven by its own client, under each memory
# controller configuration in turn, the order rotating per round. Per run one line
# "FRONTIER workload=W config=C round=R ..." in $OUT/frontier.txt, and the run's samples of
# memory.current (1 s apart) in $OUT/mem-W-C-R.txt.
#
#   $TESTDIR/files/frontier-params   WORKLOAD= ROUNDS= FIRST_ROUND= SECONDS_PER= CONFIGS="..."
#   $TESTDIR/files/default.json      policies/examples/default.json (the shipped default)
#   $TESTDIR/files/redis-load.resp.gz  the keyspace (redis): RESP SET commands, key:%012d
#
# Workloads (each in its own service, bench.slice/bench-app.service):
#   redis   redis-server holding a keyspace of KEYS keys (~600 B values, compressible about
#           2:1 like JSON records), on a unix socket; redis-benchmark GETs keys below HOT_KEYS only (its -r),
#           so HOT_KEYS/KEYS of the keyspace is hot and the rest is cold. Loaded once per
#           boot and saved as an RDB; each run starts a fresh server from it, which
#           allocates keys in the RDB's (hash) order: hot keys are scattered over the heap,
#           about half its pages hold one, as in a cache whose hot keys are not its newest.
#           Throughput: GETs answered per second (redis's INFO, over exactly SECONDS_PER);
#           p99: redis-benchmark's own (--csv), the median over its ~2 s chunks.
#   sqlite  sqlite3 over a database file of ROWS rows (~400 B each), read into the page
#           cache by the service itself; batches of 100 primary-key lookups among the first
#           HOT_ROWS rows; p99 from sqlite3's own .timer, throughput batches per second of
#           the sqlite3 process (.timer leaves out parsing). Memory here is page cache, not
#           anonymous memory: zswap and memory.vswap play no part, only reclaim does.
#
# Configurations: none; static (memory.high at half the loaded size); senpai* (oomd 0.5.0's
# Senpai plugin, the published defaults and two faster settings); vswapd* (the shipped
# default.json, and default.json with offload at its defaults and faster settings), vswapd
# started by its shipped unit.
set -u
# shellcheck source=/dev/null
. "$TESTDIR/files/frontier-params"
log() { echo "FRONTIER-LOG: $*" | tee -a "$OUT/frontier.log"; }
fatal() {
	log "FATAL: $*"
	exit 1
}
cg=/sys/fs/cgroup/bench.slice/bench-app.service
work=/var/lib/bench
mkdir -p "$work" /etc/vswapd/policies.d /run/oomd

log "kernel $(uname -r), $WORKLOAD, $ROUNDS rounds of $SECONDS_PER s, configs: $CONFIGS"
dpkg -i "$TESTDIR/vswap-tools.deb" >"$OUT/dpkg.log" 2>&1 || fatal "dpkg -i vswap-tools"
systemctl stop vswapd.service redis-server.service oomd.service 2>/dev/null
systemctl disable --now redis-server.service oomd.service >/dev/null 2>&1

# ---- controllers --------------------------------------------------------------------------
senpai_conf() { # NAME: oomd's config for the Senpai setting NAME
	local args
	case $1 in
	senpai) args='{}' ;; # the published defaults: interval 6, max_probe 0.01, limit_min 100M
	senpai-x3) args='{ "max_probe": "0.03", "limit_min_bytes": "33554432" }' ;;
	senpai-x10) args='{ "interval": "2", "max_probe": "0.05", "pressure_ms": "50", "limit_min_bytes": "33554432" }' ;;
	esac
	jq -n --argjson a "$args" '{ rulesets: [ { name: "senpai", "silence-logs": "engine",
		detectors: [ [ "always", { name: "continue", args: {} } ] ],
		actions: [ { name: "senpai", args: ({ cgroup: "bench.slice/bench-app.service" } + $a) } ] } ] }'
}
vswapd_policy() { # NAME: the shipped default.json for the workload, plus the setting's offload
	local off
	case $1 in
	vswapd) off='{}' ;;
	vswapd-offload) off='{ "offload": { "enabled": true } }' ;;
	vswapd-offload-x2) off='{ "offload": { "enabled": true, "step_percent": 2, "interval_s": 4, "pressure_target": 0.3 } }' ;;
	vswapd-offload-x3) off='{ "offload": { "enabled": true, "step_percent": 3, "interval_s": 3, "pressure_target": 0.5 } }' ;;
	esac
	jq --argjson o "$off" 'del(.description) + { match: { cgroup: "/bench.slice/bench-app.service" } } + $o' \
		"$TESTDIR/files/default.json"
}
controller_pid=""
start_controller() { # CONFIG LOADED_BYTES LOG
	case $1 in
	none) ;;
	static) echo $(($2 / 2)) >"$cg/memory.high" & ;;
	senpai*)
		senpai_conf "$1" >/etc/oomd-bench.json
		oomd --interval 1 --config /etc/oomd-bench.json --cgroup-fs /sys/fs/cgroup \
			--runtime-dir /run/oomd >"$3" 2>&1 &
		controller_pid=$!
		;;
	vswapd*)
		vswapd_policy "$1" >/etc/vswapd/policies.d/bench.json
		vswapctl validate /etc/vswapd/policies.d/bench.json >>"$3" 2>&1 || fatal "policy of $1 invalid"
		systemctl start vswapd.service || fatal "vswapd.service did not start"
		;;
	*) fatal "unknown configuration $1" ;;
	esac
}
stop_controller() { # CONFIG LOG
	case $1 in
	senpai*) kill "$controller_pid" 2>/dev/null && wait "$controller_pid" ;;
	vswapd*)
		vswapctl --json explain /bench.slice/bench-app.service >>"$2" 2>&1
		systemctl stop vswapd.service
		journalctl -b -u vswapd.service -o cat --no-pager >>"$2" 2>&1
		rm -f /etc/vswapd/policies.d/bench.json
		;;
	esac
	controller_pid=""
}

# ---- workloads ----------------------------------------------------------------------------
KEYS=${KEYS:-200000} HOT_KEYS=${HOT_KEYS:-25000} ROWS=${ROWS:-400000} HOT_ROWS=${HOT_ROWS:-50000}
# The guest kernel has no IP networking (its config is minimal): redis on a unix socket.
sock=/run/redis-bench.sock
redis-cli() { command redis-cli -s "$sock" "$@"; }
redis-benchmark() { command redis-benchmark -s "$sock" "$@"; }
redis_start() {
	systemd-run --quiet --unit=bench-app --slice=bench.slice -p MemoryAccounting=yes \
		-p WorkingDirectory="$work" -- /usr/bin/redis-server --port 0 --unixsocket "$sock" \
		--save '' --appendonly no --dir "$work" --dbfilename dump.rdb || return 1
	for _ in $(seq 600); do
		[ "$(redis-cli info persistence 2>/dev/null | tr -d '\r' | sed -n 's/^loading://p')" = 0 ] && return 0
		sleep 0.5
	done
	return 1
}
redis_prepare() { # once per boot: the keyspace, saved as the RDB every run starts from
	rm -f "$work/dump.rdb"
	redis_start || fatal "redis-server did not start"
	zcat "$TESTDIR/files/redis-load.resp.gz" | redis-cli --pipe >"$OUT/redis-load.txt" 2>&1 ||
		fatal "loading the keyspace failed: $(tail -n 3 "$OUT/redis-load.txt")"
	local n
	n=$(redis-cli dbsize)
	[ "$n" = "$KEYS" ] || fatal "the keyspace has $n keys, not $KEYS"
	redis-cli save >/dev/null || fatal "redis SAVE failed"
	systemctl stop bench-app.service
	# requests per run: what the unloaded server does in SECONDS_PER, from a short probe
	redis_start || fatal "redis-server did not start"
	drop_caches
	local rps
	rps=$(redis-benchmark -t get -r "$HOT_KEYS" -n 20000 -c 16 --csv 2>/dev/null | csv_field rps)
	systemctl stop bench-app.service
	CHUNK=$(awk -v r="$rps" 'BEGIN { printf "%d", r * 2 }')
	log "redis: $KEYS keys, $HOT_KEYS hot; probe $rps GET/s; chunks of $CHUNK requests"
	[ "$CHUNK" -gt 0 ] || fatal "redis-benchmark probe gave no rate"
}
redis_launch() { redis_start; }
# get_calls: GETs the server has answered since its stats were reset
get_calls() { redis-cli info commandstats | tr -d '\r' | sed -n 's/^cmdstat_get:calls=\([0-9]*\),.*/\1/p'; }
# redis_client RESULT: redis-benchmark for exactly SECONDS_PER seconds, in chunks of ~2 s
# (unloaded), the last one stopped at the deadline: a run lasts as long whatever the
# configuration does to the rate (a limit that thrashes stretched a fixed request count
# without bound). RESULT gets "rate=... p99_ms=... chunks=N": the GETs the server answered
# in the window per second (its INFO commandstats, so the stopped chunk counts too), and the
# median of the p99 redis-benchmark gives for each chunk that completed (0 if none did).
redis_client() {
	local t0 now left
	redis-cli config resetstat >/dev/null
	t0=$(date +%s.%N)
	: >"$1.chunks"
	while now=$(date +%s.%N) && left=$(awk -v a="$t0" -v b="$now" -v s="$SECONDS_PER" \
		'BEGIN { l = s - (b - a); if (l > 0) printf "%.3f", l; else exit 1 }'); do
		timeout "$left" /usr/bin/redis-benchmark -s "$sock" -t get -r "$HOT_KEYS" -n "$CHUNK" -c 16 --csv \
			>"$1.csv" 2>"$1.err" || break
		csv_field p99_latency_ms <"$1.csv" >>"$1.chunks"
	done
	local calls secs
	calls=$(get_calls)
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	sort -g "$1.chunks" | awk -v c="${calls:-0}" -v s="$secs" '{ p[k++] = $1 }
		END { printf "rate=%.3f p99_ms=%.3f chunks=%d\n", (s > 0 ? c / s : 0),
			     (k ? (k % 2 ? p[int(k / 2)] : (p[k / 2 - 1] + p[k / 2]) / 2) : 0), k }' >"$1"
}
# csv_field NAME: the column NAME of redis-benchmark's CSV (header line, then one result line)
csv_field() {
	awk -F, -v k="\"$1\"" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
		c { gsub(/"/, "", $c); print $c; exit }'
}

sqlite_prepare() {
	rm -f "$work/bench.db"
	sqlite3 "$work/bench.db" "PRAGMA page_size = 4096; PRAGMA journal_mode = off;
		CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
		WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $ROWS - 1)
		INSERT INTO t SELECT i, printf('{\"id\": %d, \"user\": \"user%d\", \"blob\": \"%s\", \"note\": \"%s\"}',
			i, abs(random()) % 100000, hex(randomblob(80)),
			substr('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ', 1 + i % 40, 160))
		FROM c;" || fatal "building the database failed"
	sync
	# the query script: batches of 100 lookups among the hot rows (a fixed seed: the same
	# queries in every run)
	awk -v n=20000 -v hot="$HOT_ROWS" 'BEGIN { srand(42); print ".timer on"
		for (q = 0; q < n; q++) { s = "SELECT sum(length(v)) FROM t WHERE id IN ("
			for (k = 0; k < 100; k++) s = s (k ? "," : "") int(rand() * hot)
			print s ");" } }' >"$work/queries-all.sql"
	log "sqlite: $ROWS rows ($(du -m "$work/bench.db" | cut -f1) MiB), $HOT_ROWS hot"
	# queries per run: what the cached database answers in SECONDS_PER, from a short probe
	head -n 501 "$work/queries-all.sql" >"$work/probe.sql"
	cat "$work/bench.db" >/dev/null
	local t0 t
	t0=$(date +%s.%N)
	sqlite3 "$work/bench.db" <"$work/probe.sql" >/dev/null
	t=$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.3f", t1 - t0 }')
	QUERIES=$(awk -v t="$t" -v s="$SECONDS_PER" 'BEGIN { n = int(500 * s / t); print (n > 20000 ? 20000 : n) }')
	head -n $((QUERIES + 1)) "$work/queries-all.sql" >"$work/queries.sql"
	log "sqlite: probe 500 batches in $t s; $QUERIES batches per run"
}
# The service reads the whole file (its page cache is charged to the service's cgroup), says
# so, then waits for the go to run the queries.
sqlite_launch() {
	rm -f "$work/ready" "$work/go" "$work/sqlite.out" "$work/sqlite.t0" "$work/sqlite.t1" \
		"$work/memory.stat.end"
	systemd-run --quiet --unit=bench-app --slice=bench.slice -p MemoryAccounting=yes \
		-p WorkingDirectory="$work" -- /bin/sh -c "cat bench.db >/dev/null && touch ready &&
			while [ ! -e go ]; do sleep 0.2; done && date +%s.%N >sqlite.t0 &&
			sqlite3 bench.db <queries.sql >sqlite.out && date +%s.%N >sqlite.t1 &&
			cat $cg/memory.stat >memory.stat.end" ||
		return 1
	for _ in $(seq 600); do
		[ -e "$work/ready" ] && return 0
		sleep 0.5
	done
	return 1
}
sqlite_client() { # RESULT
	touch "$work/go"
	while systemctl is-active --quiet bench-app.service; do sleep 0.5; done
	# rate: batches per second of the sqlite3 process's life (statement times alone leave out
	# parsing, half the work here); p99: nearest rank of sqlite3's own per-statement times
	local n secs p99
	awk '/^Run Time:/ { print $4 }' "$work/sqlite.out" | sort -g >/tmp/sqlite-times
	n=$(wc -l </tmp/sqlite-times)
	secs=$(awk -v t0="$(cat "$work/sqlite.t0" 2>/dev/null)" -v t1="$(cat "$work/sqlite.t1" 2>/dev/null)" \
		'BEGIN { print (t0 && t1) ? t1 - t0 : 0 }')
	p99=$(sed -n "$(((99 * n + 99) / 100))p" /tmp/sqlite-times)
	awk -v n="$n" -v s="$secs" -v p="${p99:-0}" \
		'BEGIN { if (n && s > 0) printf "rate=%.3f p99_ms=%.3f\n", n / s, 1000 * p; else print "rate=0 p99_ms=0" }' >"$1"
}

drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }
# stat_of KEY: from the cgroup's memory.stat, or the copy a workload left as it ended
stat_of() {
	local f=$cg/memory.stat
	[ -r "$f" ] || f=$work/memory.stat.end
	awk -v k="$1" '$1 == k { print $2 }' "$f" 2>/dev/null
}

# ---- one run ------------------------------------------------------------------------------
run_one() { # CONFIG ROUND
	local c=$1 r=$2 mem=$OUT/mem-$WORKLOAD-$1-$2.txt clog=$OUT/controller-$WORKLOAD-$1-$2.log
	local res=/tmp/client-result loaded t0 sampler some0 some1
	drop_caches
	"${WORKLOAD}_launch" || fatal "$WORKLOAD did not start ($c, round $r)"
	# the start-up's own file reads (the RDB) are not the workload's memory
	[ "$WORKLOAD" = redis ] && drop_caches
	sleep 2
	loaded=$(cat "$cg/memory.current")
	some0=$(awk '$1 == "some" { sub("total=", "", $5); print $5 }' "$cg/memory.pressure")
	start_controller "$c" "$loaded" "$clog"
	# the controller's own start (a daemon's first scan, a unit's sandbox) is not the run
	sleep 5
	t0=$(date +%s.%N)
	(while sleep 1; do
		echo "$(awk -v t0="$t0" -v t="$(date +%s.%N)" 'BEGIN { printf "%.1f", t - t0 }')" \
			"$(cat "$cg/memory.current" 2>/dev/null || echo gone)"
	done) >"$mem" &
	sampler=$!
	"${WORKLOAD}_client" "$res"
	kill "$sampler"
	wait "$sampler" 2>/dev/null
	some1=$(awk '$1 == "some" { sub("total=", "", $5); print $5 }' "$cg/memory.pressure" 2>/dev/null || echo "$some0")
	local secs avg zswpout zswpin majf
	secs=$(awk -v t0="$t0" -v t="$(date +%s.%N)" 'BEGIN { printf "%.1f", t - t0 }')
	avg=$(awk '$2 != "gone" { s += $2; n++ } END { if (n) printf "%.0f", s / n; else print 0 }' "$mem")
	zswpout=$(stat_of zswpout) zswpin=$(stat_of zswpin) majf=$(stat_of pgmajfault)
	stop_controller "$c" "$clog"
	systemctl stop bench-app.service
	systemctl reset-failed bench-app.service 2>/dev/null
	echo "FRONTIER workload=$WORKLOAD config=$c round=$r $(cat "$res") mem_avg_bytes=$avg" \
		"loaded_bytes=$loaded seconds=$secs stall_us=$((some1 - some0)) zswpout=$zswpout" \
		"zswpin=$zswpin pgmajfault=$majf" | tee -a "$OUT/frontier.txt"
}

"${WORKLOAD}_prepare"
read -r -a configs <<<"$CONFIGS"
for ((r = ${FIRST_ROUND:-1}; r < ${FIRST_ROUND:-1} + ROUNDS; r++)); do
	for c in "${configs[@]}"; do run_one "$c" "$r"; done
	# rotate the order: drift in the guest hits every configuration alike
	configs=("${configs[@]:1}" "${configs[0]}")
done
log "done"
exit 0
