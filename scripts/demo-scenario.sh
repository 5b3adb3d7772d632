# Guest side of scripts/demo (busybox sh under tests/vm/run): vswapd with the shipped default
# policy manages a workload that outgrows its cgroup; a sampler records memory, zswap, vswap
# and disk swap every second into /out/samples.csv; the report goes to /out/report.txt.
set -u
cg=/sys/fs/cgroup
app=$cg/demo.slice/app.service
mkdir -p /out $cg/demo.slice
echo +memory >$cg/demo.slice/cgroup.subtree_control
mkdir $app
echo 64M >$app/memory.max
stat_key() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

vswapd >/out/vswapd.log 2>&1 &
daemon=$!

sample() {
	t0=$(cut -d. -f1 /proc/uptime)
	echo "t_s,memory_bytes,vswap_bytes,vswap_max_bytes,zswap_compressed_bytes,zswapped_bytes,swap_bytes,zero_bytes,writeback_policy_pages" >/out/samples.csv
	while :; do
		t=$(($(cut -d. -f1 /proc/uptime) - t0))
		max=$(cat $app/memory.vswap.max)
		[ "$max" = max ] && max=
		echo "$t,$(cat $app/memory.current),$(cat $app/memory.vswap.current),$max,$(stat_key $app/memory.stat zswap),$(stat_key $app/memory.stat zswapped),$(cat $app/memory.swap.current),$(stat_key $app/memory.vswap.stat zero_bytes),$(stat_key $app/memory.vswap.stat writeback_policy_pages)" >>/out/samples.csv
		sleep 1
	done
}
sample &
sampler=$!

# 192 MiB into 64 MiB: 10 % zero pages, 20 % incompressible, the rest compressible;
# every page is read back and verified three times.
sh -c 'echo $$ >'$app'/cgroup.procs && exec memhog -m 192 -z 10 -r 20 -p 3 -H' >/tmp/app.log 2>&1 &
hog=$!
i=0
until grep -q '^memhog: ready' /tmp/app.log; do
	i=$((i + 1))
	[ $i -le 3000 ] || { cat /tmp/app.log; exit 1; }
	sleep 0.1
done
sleep 10
kill $sampler

mib() { echo "$(($1 / 1048576)) MiB"; }
zswap=$(stat_key $app/memory.stat zswap)
zswapped=$(stat_key $app/memory.stat zswapped)
zero=$(stat_key $app/memory.vswap.stat zero_bytes)
disk=$(stat_key $app/memory.vswap.stat disk_bytes)
wb_policy=$(stat_key $app/memory.vswap.stat writeback_policy_pages)
wb_limit=$(stat_key $app/memory.vswap.stat writeback_limit_pages)
{
	echo "== The workload: 192 MiB of anonymous memory in a 64 MiB cgroup"
	grep '^memhog: ' /tmp/app.log
	echo
	echo "== vswapctl capabilities"
	vswapctl capabilities | head -4
	echo
	echo "== vswapctl status"
	vswapctl status /demo.slice/app.service
	echo
	echo "== Report"
	echo "resident:           $(mib $(cat $app/memory.current)) of the 64 MiB limit"
	echo "memory saved:       $(mib $((zswapped - zswap + zero))) (zswap holds $(mib $zswapped) in $(mib $zswap); $(mib $zero) of zero pages take none)"
	echo "vswap:              $(mib $(cat $app/memory.vswap.current)) held under the cap of $(mib $(cat $app/memory.vswap.max)) (default policy: 50% of memory.max)"
	echo "on disk:            $(mib ${disk:-0})"
	echo "writeback:          $wb_policy pages asked by vswapd, $wb_limit pages by the kernel at the cap"
	echo "vswap.events:       $(tr '\n' ' ' <$app/memory.vswap.events)"
	echo
	echo "== What vswapd did and why"
	grep -E 'did |would |policy .*:' /out/vswapd.log | sed 's/ CGROUP=.*//' | tail -n 12
} >/out/report.txt
vswapctl --json status /demo.slice/app.service >/out/status.json
kill $hog $daemon
wait $hog
echo "memhog exit status $? (0: every page read back intact)" >>/out/report.txt
