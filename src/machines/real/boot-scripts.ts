/**
 * The host-side boot script, kept as text so the bundled server carries it. `outer` joins the
 * machine's cgroups (so everything after is limited and findable), enters its network namespace
 * and unshares the rest; `inner` runs as the new PID namespace's init: it mounts the disk and the
 * pseudo file systems privately, pivots into the disk and execs the guest init with fewer
 * capabilities. Only `$VAR` forms here: no `${`, no backquotes (this is a template literal).
 */
export const BOOT_SCRIPT = String.raw`#!/bin/sh
set -eu
MODE=$1
MDIR=$2
. "$MDIR/boot/host.env"

if [ "$MODE" = outer ]; then
  for f in $CGROUP_PROCS; do echo $$ > "$f"; done
  exec nsenter --net="/run/netns/$NETNS" -- unshare --mount --pid --uts --ipc --fork \
    --propagation private --kill-child=SIGKILL -- /bin/sh "$0" inner "$MDIR"
fi

# PID 1 of the machine; /proc is still the host's, so /proc/self/stat names our host PID.
read -r HOSTPID _ < /proc/self/stat
echo "$HOSTPID" > "$MDIR/pid.tmp"
mv "$MDIR/pid.tmp" "$MDIR/pid"

hostname "$GUEST_HOSTNAME"
R="$MDIR/root"
mkdir -p "$R"
# Relative lower dirs keep the overlay option string short (its size is limited to a page).
cd "$LAYERS_DIR"
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$MDIR/upper,workdir=$MDIR/work" "$R"
cd "$R"
mkdir -p proc sys dev run tmp
mount -t proc -o nosuid,nodev,noexec proc proc
# What the guest's root could harm the host with: read-only (sysrq-trigger would reboot the
# host) or hidden, as container runtimes do.
for p in sys sysrq-trigger bus fs irq; do
  if [ -e "proc/$p" ]; then
    mount --bind "proc/$p" "proc/$p"
    mount -o remount,bind,ro "proc/$p"
  fi
done
for p in kcore keys timer_list sched_debug latency_stats; do
  [ -f "proc/$p" ] && mount --bind /dev/null "proc/$p"
done
for p in acpi scsi asound; do
  [ -d "proc/$p" ] && mount -t tmpfs -o ro,nosuid,nodev,noexec tmpfs "proc/$p"
done
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs tmp
mount -t tmpfs -o mode=755,nosuid tmpfs dev
for d in null zero full random urandom tty; do
  : > "dev/$d"
  mount --bind "/dev/$d" "dev/$d"
done
mkdir dev/pts dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts dev/pts
ln -s pts/ptmx dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs dev/shm
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin
ln -s /proc/self/fd/1 dev/stdout
ln -s /proc/self/fd/2 dev/stderr
mkdir -m 700 run/stratus
cp "$MDIR/boot/guest.env" "$MDIR/boot/init.sh" run/stratus/
[ -f "$MDIR/boot/user-data" ] && cp "$MDIR/boot/user-data" run/stratus/
[ -f "$MDIR/boot/authorized-key" ] && cp "$MDIR/boot/authorized-key" run/stratus/
pivot_root . .
umount -l .
cd /
exec /usr/bin/setpriv --bounding-set "$CAPS" -- /bin/sh /run/stratus/init.sh
`;

/** Capabilities the guest keeps: what sshd, sudo and ordinary admin work need; no sys_admin. */
export const GUEST_CAPS =
  '-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,' +
  '+net_raw,+sys_chroot,+audit_write,+setfcap';
