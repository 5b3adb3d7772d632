# Guest side of scripts/demo (busybox sh under tests/vm/run).
set -eu
cg=/sys/fs/cgroup
report=/out/report.txt
mkdir -p /out $cg/demo.slice
echo +memory >$cg/demo.slice/cgroup.subtree_control
mkdir $cg/demo.slice/app.service $cg/demo.slice/idle.service
echo 64M >$cg/demo.slice/app.service/memory.max

# 160 MiB into 64 MiB: a quarter zero pages, a quarter incompressible, half compressible.
sh -c 'echo $$ >'$cg'/demo.slice/app.service/cgroup.procs && exec memhog -m 160 -z 25 -r 25 -p 2 -H' \
	>/tmp/app.log 2>&1 &
i=0
until grep -q '^memhog: ready' /tmp/app.log; do
	i=$((i + 1))
	[ $i -le 3000 ] || { cat /tmp/app.log; exit 1; }
	sleep 0.1
done

{
	echo "== vswapctl capabilities"
	vswapctl capabilities
	echo
	echo "== vswapctl status (160 MiB workload in a 64 MiB cgroup)"
	vswapctl status /demo.slice /demo.slice/app.service /demo.slice/idle.service
} >$report
vswapctl --json status /demo.slice/app.service >/out/status.json
kill %1 2>/dev/null || true
