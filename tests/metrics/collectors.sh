#!/usr/bin/env bash
# vswapd's metrics as the real collectors read them. vswapd runs on a copy of a captured
# patched-kernel tree with a policy that writes back (so every family has samples) and writes
# its textfile; then
#   - `promtool check metrics` (Debian's prometheus) has nothing to say about the textfile;
#   - prometheus-node-exporter 1.5, textfile collector only, on 127.0.0.1, serves every metric
#     vswapd(8) documents under METRICS with that type, the textfile's help (not its
#     "Metric read from ..." stand-in for untyped metrics) and the documented labels;
#   - the textfile holds no metric vswapd(8) does not document;
#   - the control socket's OpenMetrics (`vswapctl metrics`) parses under prometheus_client's
#     strict OpenMetrics parser into the same families, types, units and help.
# Every failed check is reported, then the test fails.
#
#   tests/metrics/collectors.sh VSWAPD VSWAPCTL FIXTURE_DIR MANPAGE
set -euo pipefail
vswapd=$1 vswapctl=$2 fixture=$3 manpage=$4
R=$(mktemp -d /tmp/vswapd-metrics.XXXXXX)
TEST_NAME=collectors.sh DAEMON_LOG="$R.log"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
SCRATCH=("$R" "$R.log")
python=/usr/bin/python3 # Debian's, where python3-prometheus-client is
for tool in promtool prometheus-node-exporter curl "$python"; do
	command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-deps"
done

failures=0
bad() {
	echo "$TEST_NAME: FAIL: $*" >&2
	failures=$((failures + 1))
}

# --- the API as vswapd(8) documents it ---------------------------------------------------------
# Entries of its METRICS section: .BR NAME " (TYPE[, UNIT][; LABEL, ...])"
entries=$(awk '/^\.SH /{ m = ($2 == "METRICS") } m && /^\.BR vswapd_/' "$manpage")
api=$(sed -nE 's/^\.BR (vswapd_[a-z_]+) " \((counter|gauge)[,;)].*"$/\1 \2/p' <<<"$entries") # NAME TYPE
[ -n "$api" ] || fail "no metric found in the METRICS section of $manpage"
[ "$(wc -l <<<"$api")" = "$(wc -l <<<"$entries")" ] ||
	fail "METRICS entries of $manpage not in the form .BR NAME \" (TYPE[, UNIT][; LABELS])\": $entries"
doc_field() { # NAME unit|labels: "-" when none, labels comma-separated
	grep -E "^\.BR $1 \"" <<<"$entries" | sed -E 's/^[^(]*\(([^)]*)\)"$/\1/' |
		awk -F';' -v f="$2" '{ n = split($1, t, ", "); unit = (n > 1 ? t[2] : "-")
			labels = ($2 == "" ? "-" : $2); gsub(/^ +| +$/, "", labels); gsub(/, /, ",", labels)
			print (f == "unit" ? unit : labels) }'
}

# sample_labels NAME FILE: the label names NAME's samples carry, sorted, comma-separated; "-"
# when none. Label values are quoted strings with backslash escapes.
sample_labels() {
	awk -v n="$1" '
	{ split($0, w, /[{ ]/); if (w[1] != n) next; if (substr($0, length(n) + 1, 1) != "{") next
	  s = substr($0, length(n) + 2)
	  while (match(s, /^,?[a-zA-Z_][a-zA-Z0-9_]*="/)) {
		k = substr(s, 1, RLENGTH - 2); sub(/^,/, "", k); seen[k] = 1
		s = substr(s, RLENGTH + 1)
		while (s != "" && substr(s, 1, 1) != "\"") s = substr(s, (substr(s, 1, 1) == "\\") ? 3 : 2)
		s = substr(s, 2)
	  } }
	END { out = ""; for (k in seen) out = out (out == "" ? "" : "\n") k; print (out == "" ? "-" : out) }' "$2" |
		sort | paste -sd, -
}

# --- vswapd on a fixture copy, writing its textfile -------------------------------------------
cp -a "$fixture/." "$R/"
chmod 755 "$R"
app=workload.slice/app-a.service
vswap_cur=$(cat "$R/sys/fs/cgroup/$app/memory.vswap.current")
cap=$(((vswap_cur / 4096 + 256) * 4096)) # just above what app-a holds: writeback fires at once
mkdir -p "$R/etc/vswapd/policies.d"
cat >"$R/etc/vswapd/policies.d/app-a.json" <<JSON
{ "schema_version": 1,
  "match": { "cgroup": "/$app" },
  "vswap": { "max": $cap },
  "writeback": { "amount": "4M", "cooldown_s": 0.5, "max_per_minute": "64M",
                 "when": [ { "vswap_above_percent": 50 } ] },
  "interval_s": 0.5 }
JSON
# Every other cgroup gets a default policy that sets nothing: app-b (memory.vswap.max "max",
# a +Inf sample) and a copy of it whose name needs every escape a label value has.
printf '{ "schema_version": 1 }\n' >"$R/etc/vswapd/policies.d/rest.json"
odd=$'odd"quote\\backslash\nnewline.service'
cp -a "$R/sys/fs/cgroup/workload.slice/app-b.service" "$R/sys/fs/cgroup/workload.slice/$odd"
odd_label='/workload.slice/odd\"quote\\backslash\nnewline.service' # as the formats escape it
textdir=var/lib/prometheus/node-exporter
mkdir -p "$R/$textdir"
"$vswapd" --root "$R" --metrics-file "/$textdir/vswapd.prom" --metrics-interval 1 \
	--log-level debug >"$R.log" 2>&1 &
pid=$!
prom="$R/$textdir/vswapd.prom"
wait_for 20 grep -q 'action="writeback"' "$prom" ||
	fail "no textfile counting a writeback of app-a after 20 s: $(head -n 5 "$prom" 2>&1)"
"$vswapctl" --root "$R" metrics >"$R/openmetrics.txt" || fail "vswapctl metrics failed"
kill -TERM "$pid"
wait "$pid" || fail "vswapd exited with $?"
pid=
cp "$prom" "$R/textfile.prom" # what every check below reads

# --- documented <-> written -------------------------------------------------------------------
while read -r name type; do
	grep -qxF "# TYPE $name $type" "$R/textfile.prom" || bad "textfile: no '# TYPE $name $type'"
	grep -qE "^# HELP $name .+" "$R/textfile.prom" || bad "textfile: no '# HELP $name'"
	grep -qE "^${name}[{ ]" "$R/textfile.prom" || bad "textfile: no sample of $name"
	labels=$(sample_labels "$name" "$R/textfile.prom")
	want=$(doc_field "$name" labels | tr , '\n' | sort | paste -sd, -)
	[ "$labels" = "$want" ] || bad "textfile: $name has labels '$labels', vswapd(8) says '$want'"
done <<<"$api"
sed -nE 's/^# TYPE (vswapd_[a-z_]+) .*/\1/p' "$R/textfile.prom" | while read -r name; do
	awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' <<<"$api" ||
		echo "$name"
done >"$R/undocumented.txt"
[ ! -s "$R/undocumented.txt" ] ||
	bad "textfile: not documented in vswapd(8) METRICS: $(paste -sd' ' "$R/undocumented.txt")"

# --- promtool check metrics: parse errors and lint ----------------------------------------------
if ! promtool check metrics <"$R/textfile.prom" >"$R/promtool.out" 2>&1 || [ -s "$R/promtool.out" ]; then
	bad "promtool check metrics: $(cat "$R/promtool.out")"
fi

# --- node_exporter's textfile collector ---------------------------------------------------------
mkdir -p "$R/collector"
cp "$R/textfile.prom" "$R/collector/vswapd.prom"
scrape="$R/scrape.txt"
for attempt in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 30000))
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$R/collector" \
		>"$R/node-exporter.log" 2>&1 &
	pid=$!
	if wait_for 10 curl -sf -o "$scrape" "http://127.0.0.1:$port/metrics"; then break; fi
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=
	grep -q "address already in use" "$R/node-exporter.log" ||
		fail "node_exporter did not serve: $(tail -n 5 "$R/node-exporter.log")"
	[ "$attempt" -lt 5 ] || fail "no free port for node_exporter after 5 attempts"
done
STOP_SIGNAL=TERM
grep -qx 'node_textfile_scrape_error 0' "$scrape" ||
	bad "node_exporter: textfile scrape error: $(grep '^node_textfile_scrape_error' "$scrape")"
while read -r name type; do
	help=$(sed -nE "s/^# HELP $name (.*)/\1/p" "$R/textfile.prom")
	grep -qxF "# TYPE $name $type" "$scrape" ||
		bad "node_exporter: $name arrives as '$(grep -E "^# TYPE $name " "$scrape" || echo nothing)', not $type"
	grep -qxF "# HELP $name $help" "$scrape" ||
		bad "node_exporter: $name's help is '$(sed -nE "s/^# HELP $name //p" "$scrape")', not the textfile's"
	grep -qE "^${name}[{ ]" "$scrape" || bad "node_exporter: no sample of $name"
done <<<"$api"
if grep -E '^# TYPE vswapd_[a-z_]+ untyped' "$scrape" >"$R/untyped.txt"; then
	bad "node_exporter: untyped vswapd metrics: $(tr '\n' ' ' <"$R/untyped.txt")"
fi
for series in "vswapd_cgroup_vswap_max_bytes{cgroup=\"$odd_label\"} +Inf" \
	"vswapd_cgroup_vswap_max_bytes{cgroup=\"/workload.slice/app-b.service\"} +Inf"; do
	grep -qxF "$series" "$scrape" || bad "node_exporter: no '$series'"
done
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=

# --- OpenMetrics over the control socket ----------------------------------------------------------
# prometheus_client's OpenMetrics parser checks the format (# EOF, counter samples of a family,
# units as the name's suffix); it prints NAME TYPE UNIT LABELS HELP per family.
# Last, how many samples carry the odd cgroup's name, unescaped.
if ! "$python" - "$R/openmetrics.txt" "/workload.slice/$odd" >"$R/om-families.txt" 2>"$R/om.err" <<'PY'; then
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families

odd = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for fam in text_string_to_metric_families(f.read()):
        labels = sorted({k for s in fam.samples for k in s.labels})
        odd += sum(s.labels.get("cgroup") == sys.argv[2] for s in fam.samples)
        print(fam.name, fam.type, fam.unit or "-", ",".join(labels) or "-", fam.documentation,
              sep="\t")
print("odd cgroup samples", odd, sep="\t")
PY
	bad "OpenMetrics parser: $(tail -n 1 "$R/om.err")"
fi
while read -r name type; do
	family=$name
	[ "$type" = counter ] && family=${name%_total}
	unit=$(doc_field "$name" unit)
	[[ "$family" == *"_$unit" ]] || unit=- # a UNIT only where the name ends in it
	help=$(sed -nE "s/^# HELP $name (.*)/\1/p" "$R/textfile.prom")
	want=$(printf '%s\t%s\t%s\t%s\t%s' "$family" "$type" "$unit" "$(doc_field "$name" labels | tr , '\n' | sort | paste -sd, -)" "$help")
	grep -qxF "$want" "$R/om-families.txt" ||
		bad "OpenMetrics: $family is '$(grep -P "^$family\t" "$R/om-families.txt" | tr '\t' '|')', want '$(tr '\t' '|' <<<"$want")'"
done <<<"$api"

grep -qP '^odd cgroup samples\t[1-9]' "$R/om-families.txt" ||
	bad "OpenMetrics: no sample names the cgroup /workload.slice/$odd"

n=$(wc -l <<<"$api")
if [ "$failures" -gt 0 ]; then
	echo "--- textfile"
	cat "$R/textfile.prom"
	fail "$failures check(s) failed"
fi
echo "$TEST_NAME: ok: $n documented metrics: promtool clean, node_exporter serves each typed with its help, OpenMetrics parses to the same families"
