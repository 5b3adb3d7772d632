#!/usr/bin/env bash
# The role's module vswap_config (contrib/ansible/roles/vswap/library) run by Debian's ansible
# on this host against scratch roots, judged by the real vswapctl: the staged tree holds every
# layer and validates, a broken policy fails with FILE:LINE:COLUMN and changes nothing, check
# mode writes nothing, a switch writes what vswapctl then loads (and the daemon settings,
# asking for a restart), a second one changes nothing, files the inventory dropped go, layers
# the role does not own stay, and attachments are named as `vswapctl set-policy` names them.
# Seconds; no VM (tests/fleet/run drives the whole role on real guests).
#
#   tests/fleet/module.sh VSWAPCTL
set -euo pipefail
vswapctl=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
library="$here/../../contrib/ansible/roles/vswap/library"
W=$(mktemp -d /tmp/vswap-fleet-module.XXXXXX)
trap 'rm -rf "$W"' EXIT
fail() {
	echo "module.sh: FAIL: $*" >&2
	exit 1
}
command -v ansible >/dev/null || fail "ansible not found: run scripts/install-deps"
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False

R="$W/root"
mkdir -p "$R/usr/lib/vswapd/policies.d" "$R/run/vswapd/attach.d" "$R/etc/systemd/system/old.service.d"
# Layers the role does not own: a vendor policy and a runtime attachment, kept and staged.
echo '{ "schema_version": 1, "match": { "cgroup": "/vendor/*" } }' >"$R/usr/lib/vswapd/policies.d/vendor.json"
printf '[X-VSwap]\nCgroup=/local\nPolicy=vendor\n' >"$R/run/vswapd/attach.d/local.conf"
# A drop-in of the role's name from an earlier inventory: owned, so removed by a switch.
printf '[X-VSwap]\nPolicy=vendor\n' >"$R/etc/systemd/system/old.service.d/50-vswap.conf"

vars() { # WEB_CAP [ATTACH: yes|no]
	cat >"$W/vars.yml" <<EOF
policies:
  default: {vswap: {max: 50%}}
  web: {match: {slice: web.slice}, vswap: {max: "$1"}}
  batch: {match: {cgroup: "/batch.slice/*"}}
attachments: {$([ "${2:-yes}" = yes ] && echo '/fleet.slice/batch-1: batch')}
units: {web.service: web}
EOF
}
# module [ANSIBLE ARGS...]: run vswap_config on the scratch root (textfile METRICS, "" for
# none); its JSON result in $W/result.json, its exit status in rc.
METRICS=""
module() {
	set +e
	ANSIBLE_LOAD_CALLBACK_PLUGINS=1 ANSIBLE_STDOUT_CALLBACK=json \
		ansible localhost -M "$library" -m vswap_config -e "@$W/vars.yml" "$@" -a \
		"{\"root\": \"$R\", \"staging\": \"$W/staging\", \"vswapctl\": \"$vswapctl\",
		  \"policies\": \"{{ policies }}\", \"attachments\": \"{{ attachments }}\",
		  \"unit_policies\": \"{{ units }}\", \"metrics_file\": \"$METRICS\"}" >"$W/out.json" 2>"$W/err"
	rc=$?
	set -e
	jq '.plays[0].tasks[0].hosts.localhost' "$W/out.json" >"$W/result.json" 2>/dev/null ||
		fail "vswap_config: no result: $(cat "$W/err" "$W/out.json")"
}
result() { jq -r "$1" "$W/result.json"; }
tree() { (cd "$R" && find . \( -type f -o -type l \) -print0 | sort -z | xargs -0 sha256sum); }

# --- check mode: staged (every layer, the role's files in place), validated, nothing written ---
vars 32M
tree >"$W/before"
module --check --diff
[ "$rc" = 0 ] || fail "--check: exit $rc: $(result .msg)"
[ "$(result .changed)" = true ] || fail "--check: no change reported"
for f in usr/lib/vswapd/policies.d/vendor.json run/vswapd/attach.d/local.conf \
	etc/vswapd/policies.d/web.json etc/systemd/system/web.service.d/50-vswap.conf; do
	[ -f "$W/staging/$f" ] || fail "staged: no $f"
done
[ ! -e "$W/staging/etc/systemd/system/old.service.d/50-vswap.conf" ] ||
	fail "staged: the dropped drop-in of old.service is still in the staged tree"
"$vswapctl" --root "$W/staging" validate >/dev/null || fail "vswapctl validate refused the staged tree"
result '.diff[] | .after' | grep -q '"max": "32M"' || fail "--check: no diff of web.json"
result '.removed[]' | grep -qx /etc/systemd/system/old.service.d/50-vswap.conf ||
	fail "--check: the stale drop-in is not among the removals"
tree >"$W/after"
cmp -s "$W/before" "$W/after" || fail "--check wrote to the root: $(diff "$W/before" "$W/after")"

# --- a broken variable: refused with FILE:LINE:COLUMN, nothing written -----------------------------
vars lots
module
[ "$rc" != 0 ] || fail "a vswap.max of \"lots\" was switched to"
result .msg | grep -qE '/etc/vswapd/policies.d/web.json:[0-9]+:[0-9]+: vswap/max: "lots"' ||
	fail "the refusal lacks FILE:LINE:COLUMN: $(result .msg)"
line=$(result '.validation[0]' | sed -nE 's/^[^:]*web.json:([0-9]+):.*/\1/p')
sed -n "${line}p" "$W/staging/etc/vswapd/policies.d/web.json" | grep -q '"lots"' ||
	fail "line $line of the staged web.json is not the one holding \"lots\""
tree >"$W/after"
cmp -s "$W/before" "$W/after" || fail "the refused configuration wrote to the root"

# --- the switch, then vswapctl on the result -----------------------------------------------------
vars 32M
METRICS=/var/lib/prometheus/node-exporter/vswapd.prom
module
[ "$rc" = 0 ] || fail "present: exit $rc: $(result .msg)"
[ "$(result .changed)" = true ] || fail "present: no change reported"
[ "$(result .restart)" = true ] || fail "present: new daemon settings, no restart asked for"
grep -qx "MetricsFile=$METRICS" "$R/etc/vswapd/vswapd.conf.d/50-ansible.conf" ||
	fail "present: no MetricsFile= setting"
grep -qx "ReadWritePaths=${METRICS%/*}" "$R/etc/systemd/system/vswapd.service.d/50-ansible-metrics.conf" ||
	fail "present: no ReadWritePaths= for the textfile"
[ -d "$R${METRICS%/*}" ] || fail "present: the textfile's directory was not made"
[ ! -e "$R/etc/systemd/system/old.service.d" ] || fail "present: old.service.d not removed"
for f in usr/lib/vswapd/policies.d/vendor.json run/vswapd/attach.d/local.conf; do
	[ -f "$R/$f" ] || fail "present: $f, in a layer the role does not own, is gone"
done
[ -z "$(find "$R/etc" -name '.*.tmp')" ] || fail "present: temporary files left behind"
[ "$(stat -c %a "$R/etc/vswapd/policies.d/web.json")" = 644 ] || fail "present: web.json not 0644"
"$vswapctl" --root "$R" validate >/dev/null || fail "vswapctl validate refused what the switch wrote"
"$vswapctl" --root "$R" --json list-policies >"$W/list.json"
[ "$(jq -r '[.policies[].name] | join(" ")' "$W/list.json")" = "batch default vendor web" ] ||
	fail "vswapctl list-policies: $(cat "$W/list.json")"
[ "$(jq -r '[.attachments[] | .target + "=" + .policy] | join(" ")' "$W/list.json")" = \
	"/fleet.slice/batch-1=batch /local=vendor web.service=web" ] ||
	fail "vswapctl list-policies, attachments: $(jq -c .attachments "$W/list.json")"

# The attachment's file is the one vswapctl set-policy writes for that cgroup.
S="$W/setpolicy"
mkdir -p "$S/proc/self" "$S/sys/fs/cgroup" "$S/etc/vswapd/policies.d"
echo '18 14 0:15 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw' >"$S/proc/self/mountinfo"
cp "$R/etc/vswapd/policies.d/batch.json" "$S/etc/vswapd/policies.d/"
"$vswapctl" --root "$S" set-policy /fleet.slice/batch-1 batch >/dev/null
[ "$(ls "$S/etc/vswapd/attach.d")" = "$(ls "$R/etc/vswapd/attach.d")" ] ||
	fail "attachment named $(ls "$R/etc/vswapd/attach.d"), vswapctl set-policy names it $(ls "$S/etc/vswapd/attach.d")"

# --- again: nothing to do; then an attachment dropped from the inventory goes --------------------
tree >"$W/before"
module
[ "$(result .changed)" = false ] || fail "a second switch reported a change: $(result '.written, .removed')"
[ "$(result .restart)" = false ] || fail "a second switch asked for a restart"
tree >"$W/after"
cmp -s "$W/before" "$W/after" || fail "a second switch wrote to the root"
vars 32M no
module
[ "$(result '.removed | join(" ")')" = '/etc/vswapd/attach.d/fleet.slice-batch\x2d1.conf' ] ||
	fail "dropping the attachment removed $(result '.removed')"
"$vswapctl" --root "$R" validate >/dev/null || fail "vswapctl validate refused the tree after the removal"
echo "module.sh: ok: staged and validated, broken variable refused at FILE:LINE:COLUMN, check mode writes nothing, switch idempotent, settings, removals, set-policy's file names"
