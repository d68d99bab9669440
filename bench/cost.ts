/**
 * Server CPU per request (all threads, µs) for 4 KiB PUT/GET/HEAD: steadier than throughput on a
 * shared machine, so a change to the request path can be judged in one short run.
 *   node --import tsx bench/cost.ts [stratus|bare|files] [seconds]
 */
import { S3Bench, throughput } from './client.ts';
import { freePort, startBare, startStratus } from './servers.ts';
import { cpuSeconds } from './proc.ts';

const which = process.argv[2] ?? 'stratus';
const SECONDS = Number(process.argv[3] ?? 4);
const SMALL = Buffer.alloc(4096, 'a');

const port = await freePort();
const server =
  which === 'stratus'
    ? await startStratus(
        port,
        (process.env.COST_ARGS ?? '').split(' ').filter(Boolean),
        process.env.COST_AUDIT ? { STRATUS_AUDIT: process.env.COST_AUDIT } : {},
      )
    : await startBare(port, which === 'bare' ? 'memory' : 'files');
const c = new S3Bench(server.endpoint, 16);
try {
  if (which === 'stratus') await c.request('PUT', '/cost');
  let written = 0;
  const out: string[] = [];
  for (const op of ['PUT', 'GET', 'HEAD']) {
    const before = cpuSeconds(server.pid);
    const beforeMain = cpuSeconds(server.pid, server.pid);
    const r = await throughput(SECONDS, 16, (i) =>
      op === 'PUT'
        ? c.request('PUT', `/cost/k${i}`, {}, SMALL)
        : c.request(op, `/cost/k${i % written}`, {}, undefined, {}, true),
    );
    if (op === 'PUT') written = r.count;
    const us = ((cpuSeconds(server.pid) - before) / r.count) * 1e6;
    const main = ((cpuSeconds(server.pid, server.pid) - beforeMain) / r.count) * 1e6;
    out.push(`${op} ${r.perSecond.toFixed(0)}/s ${us.toFixed(0)}µs (main ${main.toFixed(0)})`);
  }
  console.log(`${which}: ${out.join('  ')}`);
} finally {
  c.close();
  await server.stop();
}
