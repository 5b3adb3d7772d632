#!/bin/bash
# Runs in each guest of tests/fleet/run (Debian 12 booted with systemd, the image of
# tests/systemd/mkrootfs with openssh-server and python3) as its scenario: makes the guest a
# host Ansible can manage, and serves ssh until the host stops it.
#
# No network in the guest (the kernel has no INET): sshd serves one connection in inetd mode
# on the second serial port, which QEMU connects to a UNIX socket on the host; Ansible's ssh
# reaches it through ProxyCommand (socat) and keeps that one connection (ControlPersist).
# TESTDIR: the read-only test disk (authorized_keys, hostname, marker); OUT: saved to the host.
set -u
export LC_ALL=C
log() { echo "fleet-host: $*"; }

name=$(cat "$TESTDIR/hostname")
hostname "$name"
install -d -m 700 /root/.ssh
install -m 600 "$TESTDIR/authorized_keys" /root/.ssh/authorized_keys
install -d -m 755 /run/sshd
# A unit for the role to attach a policy to (a systemd drop-in): it must run to be managed.
systemd-run --unit=fleet-web.service --property=MemoryMax=64M sleep infinity >/dev/null 2>&1 ||
	log "systemd-run fleet-web.service failed"

# The port stays open (fd 3) from here on: each open of a closed 8250 port resets the UART and
# flushes what arrived, which would cut into the client's first bytes.
port=/dev/ttyS1
exec 3<>"$port"
stty -F "$port" raw -echo -echoe -echok -echoctl -echoke cs8 -parenb -cstopb clocal -crtscts \
	-ixon -ixoff -hupcl 115200 || { log "stty $port failed"; exit 125; }
log "READY $name"
# One sshd per connection, started once the client's version line has arrived: QEMU drops what
# the guest writes while no client is connected, and sshd speaks first. What a dead client left
# in the port is flushed first. A client that vanishes is dropped after 3 unanswered
# keepalives. The host stops the guest when it is done.
wait_for_client='import select; select.select([3], [], [])'
flush='import termios; termios.tcflush(3, termios.TCIFLUSH)'
while true; do
	python3 -c "$wait_for_client"
	/usr/sbin/sshd -i -e -o UseDNS=no -o PermitRootLogin=prohibit-password \
		-o ClientAliveInterval=10 -o ClientAliveCountMax=3 <&3 >&3 2>>"$OUT/sshd.log"
	log "sshd exited ($?)"
	python3 -c "$flush"
done
