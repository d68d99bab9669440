/**
 * The console text cloud-init prints on an EC2 boot, for machines that do not print their own
 * (the metadata driver). The real driver's guest init prints the same shape from inside.
 */
import { fingerprint, keyLabel, type HostKey } from './ssh-keys.ts';

export interface ConsoleInput {
  hostname: string;
  privateIp: string;
  /** The subnet's prefix length (20 for a /20). */
  prefixLength: number;
  defaultUser: string;
  keys: HostKey[];
  hasAuthorizedKey: boolean;
  bootedAt: Date;
  firstBoot: boolean;
}

/** `Sun, 29 Nov 2026 01:02:03 +0000`, cloud-init's timestamp format. */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

/** `Nov 29 01:02:03`, syslog's timestamp. */
function syslogTime(d: Date): string {
  const mon = d.toUTCString().slice(8, 11);
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

export function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

export function cloudInitConsole(c: ConsoleInput): string {
  const t = rfc2822(c.bootedAt);
  const lines: string[] = [
    `[    0.000000] Linux version 6.1.0-stratus (builder@stratus) #1 SMP`,
    `[    0.000000] Command line: root=/dev/xvda1 ro console=tty0 console=ttyS0,115200n8`,
    `[    1.204512] EXT4-fs (xvda1): mounted filesystem with ordered data mode. Opts: (null)`,
    `Cloud-init v. 19.4 running 'init-local' at ${t}. Up 2.31 seconds.`,
    `Cloud-init v. 19.4 running 'init' at ${t}. Up 3.02 seconds.`,
    `ci-info: ++++++++++++++++++++++++++Net device info+++++++++++++++++++++++++++`,
    `ci-info: +--------+------+-----------------+---------------+--------+-------+`,
    `ci-info: | Device |  Up  |     Address     |      Mask     | Scope  | Hw-Ad |`,
    `ci-info: +--------+------+-----------------+---------------+--------+-------+`,
    `ci-info: |  eth0  | True | ${c.privateIp.padEnd(15)} | ${netmask(c.prefixLength).padStart(13)} | global |   .   |`,
    `ci-info: |   lo   | True | 127.0.0.1       |   255.0.0.0   |  host  |   .   |`,
    `ci-info: +--------+------+-----------------+---------------+--------+-------+`,
  ];
  if (c.firstBoot) {
    for (const k of c.keys) {
      const name = k.type === 'ssh-rsa' ? 'rsa' : 'ed25519';
      lines.push(
        `Generating public/private ${name} key pair.`,
        `Your identification has been saved in /etc/ssh/ssh_host_${name}_key.`,
        `Your public key has been saved in /etc/ssh/ssh_host_${name}_key.pub.`,
        `The key fingerprint is:`,
        `${fingerprint(k.blob)} root@${c.hostname}`,
      );
    }
  }
  lines.push(`Cloud-init v. 19.4 running 'modules:config' at ${t}. Up 4.11 seconds.`);
  lines.push(`Cloud-init v. 19.4 running 'modules:final' at ${t}. Up 4.87 seconds.`);
  if (!c.hasAuthorizedKey)
    lines.push(`ci-info: no authorized SSH keys fingerprints found for user ${c.defaultUser}.`);
  const ts = syslogTime(c.bootedAt);
  const ec2 = (s: string) => `<14>${ts} ec2: ${s}`;
  lines.push(
    ec2(''),
    ec2('#############################################################'),
    ec2('-----BEGIN SSH HOST KEY FINGERPRINTS-----'),
    ...c.keys.map((k) => ec2(`${k.bits} ${fingerprint(k.blob)} root@${c.hostname} (${keyLabel(k.type)})`)),
    ec2('-----END SSH HOST KEY FINGERPRINTS-----'),
    ec2('#############################################################'),
    '-----BEGIN SSH HOST KEY KEYS-----',
    ...c.keys.map((k) => `${k.type} ${k.blob} root@${c.hostname}`),
    '-----END SSH HOST KEY KEYS-----',
    `Cloud-init v. 19.4 finished at ${t}. Datasource DataSourceEc2.  Up 5.02 seconds`,
    '',
  );
  return lines.join('\n');
}
