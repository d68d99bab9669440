/**
 * Console sessions: the key pair stays on the server, in memory only, behind a random
 * HttpOnly cookie. Sessions end on sign-out, after an idle hour, after twelve hours, or when
 * the server stops (nothing is written to disk or logged).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyPair } from './aws/sign.ts';

export interface Identity {
  account: string;
  arn: string;
  userId: string;
}

export interface Session {
  id: string;
  keys: KeyPair;
  identity: Identity;
  region: string;
  createdAt: number;
  lastSeen: number;
}

export const COOKIE = 'stratus_console';
const IDLE_MS = 60 * 60 * 1000;
const MAX_AGE_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly now: () => number = Date.now) {}

  create(keys: KeyPair, identity: Identity, region: string): Session {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      // Oldest first (Map keeps insertion order).
      const oldest = this.sessions.keys().next().value;
      if (oldest) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    const s: Session = { id, keys: { ...keys }, identity, region, createdAt: t, lastSeen: t };
    this.sessions.set(id, s);
    return s;
  }

  get(id: string | undefined): Session | undefined {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const s = this.sessions.get(id);
    // Map lookup is by exact string; the compare keeps the check honest if storage changes.
    if (!s || !timingSafeEqual(Buffer.from(s.id), Buffer.from(id))) return undefined;
    const t = this.now();
    if (t - s.lastSeen > IDLE_MS || t - s.createdAt > MAX_AGE_MS) {
      this.delete(id);
      return undefined;
    }
    s.lastSeen = t;
    return s;
  }

  delete(id: string | undefined): void {
    if (!id) return;
    const s = this.sessions.get(id);
    if (s) {
      // Drop the secret from memory as well as the map.
      s.keys.secretAccessKey = '';
      s.keys.sessionToken = undefined;
      this.sessions.delete(id);
    }
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions)
      if (t - s.lastSeen > IDLE_MS || t - s.createdAt > MAX_AGE_MS) this.delete(id);
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
