/** IPv4 CIDR arithmetic for VPCs and subnets; IPv6 CIDR syntax for security group rules. */
import { isIPv6 } from 'node:net';

export interface Cidr {
  base: number;
  prefix: number;
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Parses `a.b.c.d/n`; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const base = ipToInt(m[1]!);
  const prefix = Number(m[2]);
  if (base === undefined || prefix > 32) return undefined;
  return { base, prefix };
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** The network address (host bits cleared). */
export function network(c: Cidr): number {
  return c.prefix === 0 ? 0 : Math.floor(c.base / size(c)) * size(c);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  const o = network(outer);
  const i = network(inner);
  return inner.prefix >= outer.prefix && i >= o && i + size(inner) <= o + size(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const a0 = network(a);
  const b0 = network(b);
  return a0 < b0 + size(b) && b0 < a0 + size(a);
}

export function format(c: Cidr): string {
  return `${intToIp(network(c))}/${c.prefix}`;
}

/** Whether `text` is `address/prefix` with an IPv6 address and a prefix of 0-128. */
export function isIpv6Cidr(text: string): boolean {
  const m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(text);
  return Boolean(m && isIPv6(m[1]!) && Number(m[2]) <= 128);
}
