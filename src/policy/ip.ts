/** IPv4/IPv6 addresses and CIDR ranges for IpAddress / NotIpAddress. */

export interface Cidr {
  v6: boolean;
  net: bigint;
  mask: bigint;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseIp(s: string): { v6: boolean; value: bigint } | undefined {
  s = s.trim();
  if (s.includes(':')) {
    const v = parseV6(s);
    return v === undefined ? undefined : { v6: true, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { v6: false, value: v };
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128). */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  let len = bits;
  if (slash >= 0) {
    const t = s.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(t)) return undefined;
    len = Number(t);
    if (len > bits) return undefined;
  }
  const all = (1n << BigInt(bits)) - 1n;
  const mask = len === 0 ? 0n : (all << BigInt(bits - len)) & all;
  return { v6: ip.v6, net: ip.value & mask, mask };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const a = parseIp(ip);
  if (!a) return false;
  if (a.v6 !== c.v6) {
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address.
    if (a.v6 && !c.v6 && a.value >> 32n === 0xffffn) return (a.value & 0xffffffffn & c.mask) === c.net;
    return false;
  }
  return (a.value & c.mask) === c.net;
}
