#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fleet layer of vswapd's configuration: staged, validated, then switched in one pass.

The role owns, below /etc, every policy file (vswapd/policies.d/*.json), every attachment
(vswapd/attach.d/*.conf) and every unit drop-in named 50-vswap.conf
(systemd/system/UNIT.d/50-vswap.conf, the file `vswapctl set-policy --unit` writes), plus its
daemon settings (vswapd/vswapd.conf.d/50-ansible.conf and the unit drop-in
systemd/system/vswapd.service.d/50-ansible-metrics.conf). Host-local settings for targets the
inventory does not name belong in /run (vswapctl set-policy --runtime), which /etc outranks;
vendor ones in /usr/lib.

1. Stage: STAGING becomes a copy of every layer vswapd reads (/usr/lib, /etc, /run, unit
   drop-ins), the owned files replaced by the desired ones. Written in check mode too.
2. Validate: `vswapctl --root STAGING validate`, as vswapd would load it. On failure the
   module fails with vswapctl's FILE:LINE:COLUMN lines and the host is left as it was.
3. Switch (not in check mode): each changed file written to a temporary file in its
   directory, fsync'ed and renamed over the old one; new and changed policies first, then
   attachments, drop-ins and settings, then the files no longer wanted in the reverse order,
   so that vswapd (which reloads 250 ms after a change) never sees an attachment naming a
   missing policy. Every file's diff is returned; `restart` says whether the daemon settings
   changed (a reload does not read them).
"""

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: vswap_config
short_description: Stage, validate and switch the fleet layer of vswapd's configuration
options:
  root: {type: path, default: /}
  staging: {type: path, required: true, description: "where the tree is staged"}
  vswapctl: {type: path, description: "vswapctl to validate with (default: from PATH)"}
  policies: {type: dict, default: {}, description: "NAME: policy object (vswap-policy(5))"}
  attachments: {type: dict, default: {}, description: "CGROUP: POLICY (attach.d)"}
  unit_policies: {type: dict, default: {}, description: "UNIT: POLICY (drop-in [X-VSwap])"}
  metrics_file: {type: str, default: "", description: "vswapd's textfile; empty: none"}
  metrics_interval: {type: int, default: 15, description: "seconds, 1 to 3600"}
"""

POLICY_DIR = "etc/vswapd/policies.d"
ATTACH_DIR = "etc/vswapd/attach.d"
UNIT_DIR = "etc/systemd/system"
DROPIN = "50-vswap.conf"
SETTINGS = "etc/vswapd/vswapd.conf.d/50-ansible.conf"
SANDBOX = "etc/systemd/system/vswapd.service.d/50-ansible-metrics.conf"
HEADER = "# Written by Ansible (role vswap): edit the inventory, not this file.\n"
# Every directory vswapd and vswapctl read configuration from, below the root.
LAYERS = [
    "usr/lib/vswapd/policies.d", "etc/vswapd/policies.d", "run/vswapd/policies.d",
    "usr/lib/vswapd/attach.d", "etc/vswapd/attach.d", "run/vswapd/attach.d",
]
UNIT_LAYERS = ["usr/lib/systemd/system", "run/systemd/system", "etc/systemd/system"]


def escape_path(path):
    """A cgroup path as `vswapctl set-policy` names its attach.d file ("/a/b-c" -> "a-b\\x2dc")."""
    path = path.lstrip("/")
    out = []
    for i, ch in enumerate(path):
        if ch == "/":
            if i < len(path) - 1:
                out.append("-")
        elif (ch.isascii() and ch.isalnum()) or ch == "_" or (ch == "." and i > 0):
            out.append(ch)
        else:
            out.extend("\\x%02x" % b for b in ch.encode())
    return "".join(out)


def valid_name(name, what):
    if not isinstance(name, str) or not name or "/" in name or name.startswith(".") \
            or "\n" in name:
        raise ValueError("%s %r: not a valid name (no '/', no leading '.')" % (what, name))


def attachment(target, policy, cgroup):
    valid_name(policy, "policy of %s" % target)
    text = HEADER + "[X-VSwap]\n"
    if cgroup:
        text += "Cgroup=%s\n" % target
    return text + "Policy=%s\n" % policy


def desired_files(params):
    """The owned files as they should be: {path below the root: (text, the variable it is from)}."""
    files = {}
    for name, policy in params["policies"].items():
        valid_name(name, "policy")
        if not isinstance(policy, dict):
            raise ValueError("vswap_policies[%r] is not a mapping" % name)
        policy = dict(policy)
        policy.setdefault("schema_version", 1)
        files["%s/%s.json" % (POLICY_DIR, name)] = (
            json.dumps(policy, indent=2, sort_keys=True) + "\n", "vswap_policies[%r]" % name)
    for cgroup, policy in params["attachments"].items():
        if not isinstance(cgroup, str) or not cgroup.startswith("/") or "\n" in cgroup:
            raise ValueError("vswap_attachments: %r is not a cgroup path (/a/b)" % (cgroup,))
        files["%s/%s.conf" % (ATTACH_DIR, escape_path(cgroup))] = (
            attachment(cgroup, policy, True), "vswap_attachments[%r]" % cgroup)
    for unit, policy in params["unit_policies"].items():
        valid_name(unit, "unit")
        files["%s/%s.d/%s" % (UNIT_DIR, unit, DROPIN)] = (
            attachment(unit, policy, False), "vswap_unit_policies[%r]" % unit)
    metrics = params["metrics_file"]
    if metrics:
        if not metrics.startswith("/") or "\n" in metrics or metrics.endswith("/"):
            raise ValueError("vswap_metrics_file: %r is not an absolute file path" % metrics)
        if not 1 <= params["metrics_interval"] <= 3600:
            raise ValueError("vswap_metrics_interval: %r is not 1 to 3600 seconds"
                             % params["metrics_interval"])
        files[SETTINGS] = (HEADER + "[Daemon]\nMetricsFile=%s\nMetricsInterval=%d\n"
                           % (metrics, params["metrics_interval"]), "vswap_metrics_file")
        # The unit's sandbox lets vswapd write only /sys/fs/cgroup and /run/vswapd.
        files[SANDBOX] = (HEADER + "[Service]\nReadWritePaths=%s\n" % os.path.dirname(metrics),
                          "vswap_metrics_file")
    return files


def owned_files(root):
    """The owned files that exist below root now (paths below the root)."""
    found = []
    for rel, suffix in ((POLICY_DIR, ".json"), (ATTACH_DIR, ".conf")):
        d = os.path.join(root, rel)
        if os.path.isdir(d):
            found += ["%s/%s" % (rel, f) for f in os.listdir(d)
                      if f.endswith(suffix) and not f.startswith(".")]
    units = os.path.join(root, UNIT_DIR)
    if os.path.isdir(units):
        found += ["%s/%s/%s" % (UNIT_DIR, d, DROPIN) for d in os.listdir(units)
                  if d.endswith(".d") and os.path.lexists(os.path.join(units, d, DROPIN))]
    found += [rel for rel in (SETTINGS, SANDBOX) if os.path.lexists(os.path.join(root, rel))]
    return sorted(found)


def read_text(path):
    """A file's text; None when absent; a symbolic link (a mask) as its target."""
    if os.path.islink(path):
        return "symlink to %s\n" % os.readlink(path)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def copy_layers(root, staging):
    """Every configuration file vswapd reads, from root into staging (masks kept as links)."""
    for rel in LAYERS:
        src = os.path.join(root, rel)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(staging, rel), symlinks=True)
    for rel in UNIT_LAYERS:
        src = os.path.join(root, rel)
        if not os.path.isdir(src):
            continue
        for d in os.listdir(src):
            if not d.endswith(".d") or not os.path.isdir(os.path.join(src, d)):
                continue
            for f in os.listdir(os.path.join(src, d)):
                if f.endswith(".conf"):
                    os.makedirs(os.path.join(staging, rel, d), exist_ok=True)
                    shutil.copy2(os.path.join(src, d, f), os.path.join(staging, rel, d, f),
                                 follow_symlinks=False)


def stage(root, staging, files):
    if os.path.isdir(staging):
        shutil.rmtree(staging)
    os.makedirs(staging, mode=0o700)
    copy_layers(root, staging)
    for rel in owned_files(staging):
        os.unlink(os.path.join(staging, rel))
    for rel, (text, _) in files.items():
        os.makedirs(os.path.dirname(os.path.join(staging, rel)), exist_ok=True)
        with open(os.path.join(staging, rel), "w", encoding="utf-8") as f:
            f.write(text)


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path, text):
    """tmp + fsync + rename + fsync of the directory, mode 0644."""
    d = os.path.dirname(path)
    os.makedirs(d, mode=0o755, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), 0o644)
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    fsync_dir(d)


def remove(root, rel):
    path = os.path.join(root, rel)
    os.unlink(path)
    d = os.path.dirname(path)
    fsync_dir(d)
    if rel.startswith(UNIT_DIR + "/") and not os.listdir(d):
        os.rmdir(d)  # the drop-in directory this role made
        fsync_dir(os.path.dirname(d))


def order(rel):
    """Policies are written first and removed last."""
    return 0 if rel.startswith(POLICY_DIR + "/") else 1


def apply(module, root, files):
    live = owned_files(root)
    writes = sorted((rel for rel in files if read_text(os.path.join(root, rel)) != files[rel][0]),
                    key=lambda rel: (order(rel), rel))
    removals = sorted((rel for rel in live if rel not in files),
                      key=lambda rel: (-order(rel), rel))
    diff = []
    for rel in writes + removals:
        before = read_text(os.path.join(root, rel)) or ""
        after = files[rel][0] if rel in files else ""
        diff.append({"before_header": "/" + rel, "after_header": "/" + rel,
                     "before": before, "after": after})
    if not module.check_mode:
        for rel in writes:
            write_atomic(os.path.join(root, rel), files[rel][0])
        for rel in removals:
            remove(root, rel)
    if not module.check_mode and module.params["metrics_file"]:
        textfile = os.path.join(root, module.params["metrics_file"].lstrip("/"))
        os.makedirs(os.path.dirname(textfile), mode=0o755, exist_ok=True)
    return {"changed": bool(writes or removals), "diff": diff,
            "restart": any(r in (SETTINGS, SANDBOX) for r in writes + removals),
            "written": ["/" + r for r in writes], "removed": ["/" + r for r in removals]}


def validate(module, staging):
    """vswapctl --root STAGING validate: None when valid, else its error lines."""
    vswapctl = module.params["vswapctl"] or module.get_bin_path("vswapctl")
    if not vswapctl:
        return None if module.check_mode else ["vswapctl not found: is vswap-tools installed?"]
    rc, out, err = module.run_command([vswapctl, "--root", staging, "validate"])
    return None if rc == 0 else (err or out).strip().splitlines()


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "staging": {"type": "path", "required": True},
            "vswapctl": {"type": "path"},
            "policies": {"type": "dict", "default": {}},
            "attachments": {"type": "dict", "default": {}},
            "unit_policies": {"type": "dict", "default": {}},
            "metrics_file": {"type": "str", "default": ""},
            "metrics_interval": {"type": "int", "default": 15},
        },
        supports_check_mode=True,
    )
    p = module.params
    try:
        files = desired_files(p)
    except ValueError as e:
        module.fail_json(msg=str(e))
    sources = {"/" + rel: src for rel, (_, src) in files.items()}
    stage(p["root"], p["staging"], files)
    errors = validate(module, p["staging"])
    if errors:
        module.fail_json(msg="vswapctl --root %s validate refused the configuration this role "
                         "would install; nothing was changed on this host: %s"
                         % (p["staging"], " | ".join(errors)),
                         validation=errors, staging=p["staging"], sources=sources)
    module.exit_json(sources=sources, staging=p["staging"], **apply(module, p["root"], files))


if __name__ == "__main__":
    main()
