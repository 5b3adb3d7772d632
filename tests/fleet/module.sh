#!/usr/bin/env bash
# The role's module vswap_config (contrib/ansible/roles/vswap/library) run by Debian's ansible
# on this host against scratch roots, judged by the real vswapctl: the staged tree validates
# (and a broken policy fails with FILE:LINE:COLUMN), check mode writes nothing, a switch writes
# what vswapctl then loads, a second one changes nothing, files the inventory dropped go,
# layers the role does not own stay, and attachments are named as `vswapctl set-policy` names
# them. Seconds; no VM (tests/fleet/run drives the whole role on real guests).
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
# module STATE [ANSIBLE ARGS...]: run vswap_config on the scratch root; its JSON result in
# $W/result.json, its exit status in rc.
module() {
	local state=$1
	shift
	set +e
	ANSIBLE_LOAD_CALLBACK_PLUGINS=1 ANSIBLE_STDOUT_CALLBACK=json \
		ansible localhost -M "$library" -m vswap_config -e "@$W/vars.yml" "$@" -a \
		"{\"state\": \"$state\", \"root\": \"$R\", \"staging\": \"$W/staging\",
		  \"policies\": \"{{ policies }}\", \"attachments\": \"{{ attachments }}\",
		  \"unit_policies\": \"{{ units }}\"}" >"$W/out.json" 2>"$W/err"
	rc=$?
	set -e
	jq '.plays[0].tasks[0].hosts.localhost' "$W/out.json" >"$W/result.json" 2>/dev/null ||
		fail "vswap_config $state: no result: $(cat "$W/err" "$W/out.json")"
}
result() { jq -r "$1" "$W/result.json"; }
tree() { (cd "$R" && find . \( -type f -o -type l \) -print0 | sort -z | xargs -0 sha256sum); }

# --- staged: every layer, the role's files in place, validated by vswapctl ----------------------
vars 32M
module staged
[ "$rc" = 0 ] || fail "staged: exit $rc: $(result .msg)"
[ "$(result .changed)" = false ] || fail "staged reported a change"
for f in usr/lib/vswapd/policies.d/vendor.json run/vswapd/attach.d/local.conf \
	etc/vswapd/policies.d/web.json etc/systemd/system/web.service.d/50-vswap.conf; do
	[ -f "$W/staging/$f" ] || fail "staged: no $f"
done
[ ! -e "$W/staging/etc/systemd/system/old.service.d/50-vswap.conf" ] ||
	fail "staged: the dropped drop-in of old.service is still in the staged tree"
"$vswapctl" --root "$W/staging" validate >/dev/null || fail "vswapctl validate refused the staged tree"

# --- a broken variable: the staged tree fails with FILE:LINE:COLUMN ------------------------------
vars lots
module staged
if "$vswapctl" --root "$W/staging" validate 2>"$W/validate.err"; then
	fail "vswapctl validate took a staged vswap.max of \"lots\""
fi
grep -qE '^/etc/vswapd/policies.d/web.json:[0-9]+:[0-9]+: vswap/max: "lots"' "$W/validate.err" ||
	fail "the validation error lacks FILE:LINE:COLUMN: $(cat "$W/validate.err")"
line=$(sed -nE 's/^[^:]*web.json:([0-9]+):.*/\1/p' "$W/validate.err")
sed -n "${line}p" "$W/staging/etc/vswapd/policies.d/web.json" | grep -q '"lots"' ||
	fail "line $line of the staged web.json is not the one holding \"lots\""

# --- check mode: the diff, nothing written -------------------------------------------------------
vars 32M
tree >"$W/before"
module present --check --diff
[ "$rc" = 0 ] || fail "present --check: exit $rc: $(result .msg)"
[ "$(result .changed)" = true ] || fail "present --check: no change reported"
result '.diff[] | .after' | grep -q '"max": "32M"' || fail "present --check: no diff of web.json"
result '.removed[]' | grep -qx /etc/systemd/system/old.service.d/50-vswap.conf ||
	fail "present --check: the stale drop-in is not among the removals"
tree >"$W/after"
cmp -s "$W/before" "$W/after" || fail "present --check wrote to the root: $(diff "$W/before" "$W/after")"

# --- the switch, then vswapctl on the result -----------------------------------------------------
module present
[ "$rc" = 0 ] || fail "present: exit $rc: $(result .msg)"
[ "$(result .changed)" = true ] || fail "present: no change reported"
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
module present
[ "$(result .changed)" = false ] || fail "a second switch reported a change: $(result '.written, .removed')"
tree >"$W/after"
cmp -s "$W/before" "$W/after" || fail "a second switch wrote to the root"
vars 32M no
module present
[ "$(result '.removed | join(" ")')" = '/etc/vswapd/attach.d/fleet.slice-batch\x2d1.conf' ] ||
	fail "dropping the attachment removed $(result '.removed')"
"$vswapctl" --root "$R" validate >/dev/null || fail "vswapctl validate refused the tree after the removal"
echo "module.sh: ok: staged and validated, broken variable at FILE:LINE:COLUMN, check mode writes nothing, switch idempotent, removals, set-policy's file names"
