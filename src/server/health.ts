/** GET /_stratus/health: version, services, status (JSON). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { VERSION } from '../version.ts';

export function healthRoute(extra: () => Record<string, unknown>) {
  return (_req: IncomingMessage, res: ServerResponse, app: App): void => {
    const services: Record<string, string> = {};
    for (const [name, handlers] of Object.entries(app.handlers)) {
      services[name] = handlers && Object.keys(handlers).length ? 'running' : 'available';
    }
    const body = JSON.stringify({ status: 'running', version: VERSION, services, ...extra() });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}
