/**
 * The guest's PID 1 (POSIX sh inside the machine). It plays cloud-init: on the first boot of an
 * instance id it makes host keys, the default user (passwordless sudo, the key pair's key), the
 * AWS-style refusal for root, and runs `#!` user data as root; on every boot it writes
 * /etc/hosts, prints the host keys as cloud-init does and runs sshd. As PID 1 it reaps orphans
 * (dash's `wait` collects any child) and turns SIGTERM into a shutdown of everything.
 * Only `$VAR` forms: no `${`, no backquotes (this is a template literal).
 */
export const GUEST_INIT = String.raw`#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022
. /run/stratus/guest.env
CI="Cloud-init v. 22.4.2"
now() { date -u '+%a, %d %b %Y %H:%M:%S +0000'; }
up() {
  t=$(date +%s%N)
  e=$(( (t / 1000000) - BOOT_MS ))
  printf '%d.%02d' $((e / 1000)) $(( (e % 1000) / 10 ))
}
ec2() { echo "<14>$(date '+%b %e %H:%M:%S') ec2: $*"; }

shutdown_all() {
  echo "reboot: $1"
  kill -TERM -1 2>/dev/null
  sleep 0.3
  sync
  exit 0
}
trap 'shutdown_all "Power down"' TERM INT
# The driver boots the machine again when the console's last line says so.
trap 'shutdown_all "Restarting system"' USR1

# No systemd in here: shutdown, poweroff, halt and reboot ask this init instead.
for c in shutdown poweroff halt reboot; do
  if ! command -v $c >/dev/null 2>&1; then
    cat > /usr/local/sbin/$c <<'SHIM'
#!/bin/sh
case "$(basename "$0") $*" in
  reboot*|*" -r"*|*--reboot*) exec kill -USR1 1 ;;
  *) exec kill -TERM 1 ;;
esac
SHIM
    chmod 755 /usr/local/sbin/$c
  fi
done

echo "$CI running 'init-local' at $(now). Up $(up) seconds."
echo "$CI running 'init' at $(now). Up $(up) seconds."
echo "ci-info: ++++++++++++++++++++++++++++++Net device info++++++++++++++++++++++++++++++"
ip -4 -o addr show | while read -r _ dev _ addr _; do
  echo "ci-info: | $dev | True | $addr |"
done

mkdir -p /var/lib/cloud/data /var/lib/cloud/instance/scripts
if [ "$(cat /var/lib/cloud/data/instance-id 2>/dev/null)" != "$INSTANCE_ID" ]; then
  rm -f /etc/ssh/ssh_host_*
  for t in rsa ecdsa ed25519; do
    echo "Generating public/private $t key pair."
    ssh-keygen -q -t $t -N '' -C "root@$GUEST_HOSTNAME" -f /etc/ssh/ssh_host_"$t"_key
    echo "Your identification has been saved in /etc/ssh/ssh_host_$t""_key"
    echo "Your public key has been saved in /etc/ssh/ssh_host_$t""_key.pub"
    echo "The key fingerprint is:"
    ssh-keygen -l -f /etc/ssh/ssh_host_"$t"_key.pub | cut -d' ' -f2-3
  done
  if ! id -u "$DEFAULT_USER" >/dev/null 2>&1; then
    useradd -m -U -s /bin/bash -c "Cloud User" "$DEFAULT_USER"
  fi
  # With UsePAM no, a locked ('!') password blocks key logins; '*' means no password at all.
  usermod -p '*' "$DEFAULT_USER"
  echo "$DEFAULT_USER ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/90-cloud-init-users
  chmod 440 /etc/sudoers.d/90-cloud-init-users
  if [ -s /run/stratus/authorized-key ]; then
    home=$(getent passwd "$DEFAULT_USER" | cut -d: -f6)
    install -d -m 700 -o "$DEFAULT_USER" -g "$DEFAULT_USER" "$home/.ssh"
    key=$(cat /run/stratus/authorized-key)
    if ! grep -qxF "$key" "$home/.ssh/authorized_keys" 2>/dev/null; then
      echo "$key" >> "$home/.ssh/authorized_keys"
    fi
    chown "$DEFAULT_USER:$DEFAULT_USER" "$home/.ssh/authorized_keys"
    chmod 600 "$home/.ssh/authorized_keys"
    install -d -m 700 /root/.ssh
    msg="Please login as the user \\\"$DEFAULT_USER\\\" rather than the user \\\"root\\\"."
    echo "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo '$msg';echo;sleep 10;exit 142\" $key" > /root/.ssh/authorized_keys
    chmod 600 /root/.ssh/authorized_keys
  fi
  rm -f /var/lib/cloud/instance/scripts/part-001
  if [ -f /run/stratus/user-data ] && [ "$(head -c 2 /run/stratus/user-data)" = "#!" ]; then
    cp /run/stratus/user-data /var/lib/cloud/instance/scripts/part-001
    chmod 700 /var/lib/cloud/instance/scripts/part-001
  fi
  echo "$INSTANCE_ID" > /var/lib/cloud/data/instance-id
  FIRST=1
fi

echo "$GUEST_HOSTNAME" > /etc/hostname
printf '127.0.0.1 localhost\n%s %s.ec2.internal %s\n' "$PRIVATE_IP" "$GUEST_HOSTNAME" "$GUEST_HOSTNAME" > /etc/hosts
echo "$CI running 'modules:config' at $(now). Up $(up) seconds."

# User data runs before sshd answers (bounded), so a login never sees it half done.
if [ "$FIRST" = 1 ] && [ -x /var/lib/cloud/instance/scripts/part-001 ]; then
  /var/lib/cloud/instance/scripts/part-001 </dev/null &
  ud=$!
  i=0
  while [ $i -lt 300 ] && kill -0 $ud 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
fi
echo "$CI running 'modules:final' at $(now). Up $(up) seconds."

ec2 ""
ec2 "#############################################################"
ec2 "-----BEGIN SSH HOST KEY FINGERPRINTS-----"
for f in /etc/ssh/ssh_host_*_key.pub; do ec2 "$(ssh-keygen -l -f "$f")"; done
ec2 "-----END SSH HOST KEY FINGERPRINTS-----"
ec2 "#############################################################"
echo "-----BEGIN SSH HOST KEY KEYS-----"
cat /etc/ssh/ssh_host_*_key.pub
echo "-----END SSH HOST KEY KEYS-----"

mkdir -p /run/sshd
chmod 755 /run/sshd
/usr/sbin/sshd -D </dev/null >/dev/null 2>&1 &
echo "$CI finished at $(now). Datasource DataSourceEc2.  Up $(up) seconds"
while :; do
  wait
  # sshd ended (or was killed): keep the machine up and reachable, as systemd would.
  sleep 1 &
  wait
  /usr/sbin/sshd -D </dev/null >/dev/null 2>&1 &
done
`;
