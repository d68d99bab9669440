/**
 * One server per data directory: `<dataDir>/server.pid` holds the owning server's pid. A second
 * server would otherwise sweep the first one's in-flight temp blobs and double-run start-up work.
 * CLI commands do not take it (SQLite's WAL lets them share the database with the server).
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors.ts';

export class DataDirLockedError extends StoreError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another Stratus server (pid ${pid}) is using ${dataDir}; stop it or pick another --data-dir`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'server.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      let pid = NaN;
      try {
        pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {
        /* vanished or unreadable: treat as stale */
      }
      if (pid === process.pid) break; // reopened in the same process (tests)
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataDirLockedError(dataDir, pid);
      try {
        unlinkSync(path); // stale: its server died without cleaning up
      } catch {
        /* someone else removed it first */
      }
    }
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', release);
  return { release };
}
