/**
 * An early answer (403 before the body is read) to a request sent with Expect: 100-continue on a
 * keep-alive connection whose previous response is still streaming: the "100 Continue" must come
 * before the final response, not inside its body (a Node quirk with Buffer bodies, see respond.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';

const { server } = useServer();

test('a queued early 403 follows its 100 Continue', async () => {
  const s3 = new S3Client(sdkConfig(server));
  await s3.send(new CreateBucketCommand({ Bucket: 'expect-continue' }));
  const size = 4 * 1024 * 1024;
  await s3.send(new PutObjectCommand({ Bucket: 'expect-continue', Key: 'big', Body: Buffer.alloc(size, 7) }));
  const url = new URL(
    await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'expect-continue', Key: 'big' }), {
      expiresIn: 300,
    }),
  );
  const host = `${url.hostname}:${url.port}`;
  for (let round = 0; round < 5; round++) {
    const text = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(url.port), url.hostname);
      const chunks: Buffer[] = [];
      let received = 0;
      let sentPut = false;
      sock.on('error', reject);
      sock.on('data', (d: Buffer) => {
        chunks.push(d);
        received += d.length;
        // While the GET is still streaming, the anonymous PUT (denied before its body) arrives.
        if (!sentPut) {
          sentPut = true;
          sock.write(
            `PUT /expect-continue/denied HTTP/1.1\r\nHost: ${host}\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx`,
          );
        }
        if (received > size && Buffer.concat(chunks).includes('</Error>')) {
          sock.end();
          resolve(Buffer.concat(chunks).toString('latin1'));
        }
      });
      sock.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    });
    const after = text.slice(text.indexOf('HTTP/1.1', text.indexOf('\r\n\r\n') + 4 + size - 1));
    assert.match(after, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 403 Forbidden\r\n/, after.slice(0, 200));
    assert.doesNotMatch(after.slice(after.indexOf('<?xml')), /100 Continue/);
  }
});
