/**
 * Public addresses: loopback addresses in 127.100.0.0–127.199.255.255 that the machine driver
 * forwards to the machine's port 22 (see README "Addresses"). Auto-assigned addresses and
 * Elastic IPs come from the same pool, unique among live instances and allocated Elastic IPs.
 */
import { randomInt } from 'node:crypto';
import type { Ec2Env } from './env.ts';
import type { InstanceDoc } from './instance-model.ts';
import { computeDomain } from './regions.ts';

/** The public addresses in use anywhere on this server (every account and region). */
export async function usedPublicIps(env: Ec2Env): Promise<Set<string | undefined>> {
  return new Set([
    ...(await env.repo.all<InstanceDoc>('instance'))
      .filter((f) => f.doc.State.Name !== 'terminated')
      .map((f) => f.doc.PublicIpAddress),
    ...(await env.repo.all<{ PublicIp: string }>('eip')).map((f) => f.doc.PublicIp),
  ]);
}

/** A free loopback address for a public IP (what users SSH to). */
export async function allocatePublicIp(env: Ec2Env): Promise<string> {
  const used = await usedPublicIps(env);
  for (;;) {
    // 127.100.0.0 - 127.199.255.255: clear of 127.0.0.x, which other local services use.
    const ip = `127.${100 + randomInt(100)}.${randomInt(256)}.${1 + randomInt(254)}`;
    if (!used.has(ip)) return ip;
  }
}

/** `ec2-127-1-2-3.compute-1.amazonaws.com`, AWS's form of a public DNS name. */
export function publicDnsName(ip: string, region: string): string {
  return `ec2-${ip.replaceAll('.', '-')}.${computeDomain(region)}`;
}
