/** Everything a driver could leak on the host, listed (an empty list means clean). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function ls(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export async function leftovers(scope: string, dataDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of ls('/run/netns')) if (n.startsWith(`${scope}-`)) out.push(`netns ${n}`);
  const roots = ['/sys/fs/cgroup', ...ls('/sys/fs/cgroup').map((c) => join('/sys/fs/cgroup', c))];
  for (const r of roots) {
    const scopeDir = join(r, `stratus-${scope}`);
    for (const e of ls(scopeDir))
      if (!e.includes('.') && !['tasks', 'notify_on_release'].includes(e))
        out.push(`cgroup ${join(scopeDir, e)}`);
  }
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const point = line.split(' ')[4];
    if (point?.startsWith(dataDir + '/')) out.push(`mount ${point}`);
  }
  for (const pid of ls('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dataDir + '/')) out.push(`process ${pid} ${cmd}`);
    } catch {
      // exited
    }
  }
  return out;
}
