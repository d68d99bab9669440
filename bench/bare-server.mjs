// A bare node:http server that only moves bytes: PUT reads the body (and in 'files' mode writes
// it to its own file, temp + rename), GET/HEAD answer the stored bytes. The ceiling any Node
// server reaches on this machine.
import { createServer } from 'node:http';
import { createReadStream, createWriteStream, mkdirSync, rename, stat } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const [port, mode, dir] = process.argv.slice(2);
const memory = new Map();
mkdirSync(join(dir, 'tmp'), { recursive: true });
let n = 0;
const fileOf = (url) => join(dir, createHash('sha1').update(url).digest('hex'));

createServer((req, res) => {
  const url = req.url.split('?')[0];
  if (req.method === 'PUT' || req.method === 'POST') {
    if (mode === 'files') {
      const tmp = join(dir, 'tmp', String(n++));
      const out = createWriteStream(tmp);
      req.pipe(out);
      out.on('finish', () =>
        rename(tmp, fileOf(url), () => {
          res.writeHead(200, { etag: '"x"', 'content-length': 0 });
          res.end();
        }),
      );
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      memory.set(url, Buffer.concat(chunks));
      res.writeHead(200, { etag: '"x"', 'content-length': 0 });
      res.end();
    });
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (mode === 'files') {
      const f = fileOf(url);
      stat(f, (err, st) => {
        if (err) {
          res.writeHead(404, { 'content-length': 0 });
          return res.end();
        }
        res.writeHead(200, { 'content-length': st.size });
        if (req.method === 'HEAD') return res.end();
        createReadStream(f).pipe(res);
      });
      return;
    }
    const body = memory.get(url) ?? Buffer.alloc(0);
    res.writeHead(200, { 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(204);
  res.end();
}).listen(Number(port), '127.0.0.1');
