/** Talks to test/support/botocore_bridge.py: botocore's serializers and parsers as oracles. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./botocore_bridge.py', import.meta.url));

export interface Botocore {
  serialize(
    service: string,
    operation: string,
    params: unknown,
  ): Promise<{
    method: string;
    url_path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
  }>;
  parse(
    service: string,
    operation: string,
    status: number,
    headers: Record<string, string>,
    body: string,
  ): Promise<any>;
  close(): void;
}

export function startBotocore(): Botocore {
  const child = spawn('python3', [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const ask = (msg: unknown) =>
    new Promise<any>((resolve, reject) => {
      waiting.push((line) => {
        const answer = JSON.parse(line);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer.ok);
      });
      child.stdin.write(JSON.stringify(msg) + '\n');
    });
  return {
    serialize: (service, operation, params) => ask({ do: 'serialize', service, operation, params }),
    parse: (service, operation, status, headers, body) =>
      ask({ do: 'parse', service, operation, status, headers, body }),
    close: () => child.stdin.end(),
  };
}
