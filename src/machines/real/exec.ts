/** Runs host tools (ip, tar, zstd, debootstrap) without a shell, failing with their stderr. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { maxBuffer: 16 * 1024 * 1024, timeout: options.timeoutMs ?? 60_000, env: options.env ?? process.env },
      (err, stdout, stderr) => {
        if (err) {
          const msg = `${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`;
          reject(Object.assign(new Error(msg), { stderr: String(stderr) }));
        } else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A shell pipeline for the few steps that need one (tar | zstd); arguments are quoted. */
export function sh(script: string, options: { timeoutMs?: number } = {}): Promise<RunResult> {
  return run('/bin/sh', ['-c', script], options);
}

export function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The start time (clock ticks since boot) of a PID, or undefined when it is gone. */
export async function pidStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; fields restart after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // dead, only not yet reaped
    return fields[19]; // field 22 overall
  } catch {
    return undefined;
  }
}

/** True when `pid` still names the process that had `startTime` (PIDs get reused). */
export async function isSameProcess(pid: number, startTime: string): Promise<boolean> {
  return (await pidStartTime(pid)) === startTime;
}
