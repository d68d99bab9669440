/**
 * ListObjectVersions' body as S3 writes it: versions and delete markers in one sequence (key, then
 * newest first), read through boto3's raw response and its parsed lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server } = useServer();

test('boto3: a delete marker sits between the versions of its key in the XML', async () => {
  const r = await python(
    `
import re
s3 = client("s3")
s3.create_bucket(Bucket="interleave")
s3.put_bucket_versioning(Bucket="interleave", VersioningConfiguration={"Status": "Enabled"})
s3.put_object(Bucket="interleave", Key="a", Body=b"1")
s3.delete_object(Bucket="interleave", Key="a")
s3.put_object(Bucket="interleave", Key="a", Body=b"2")
s3.put_object(Bucket="interleave", Key="b", Body=b"3")
s3.delete_object(Bucket="interleave", Key="b")
raw = []
s3.meta.events.register("after-call.s3.ListObjectVersions", lambda http_response, **kw: raw.append(http_response.content.decode()))
page = s3.list_object_versions(Bucket="interleave")
seq = [(m.group(1), m.group(2)) for m in re.finditer(r"<(Version|DeleteMarker)>.*?<Key>([^<]*)</Key>", raw[0])]
out({"seq": seq, "versions": len(page["Versions"]), "markers": len(page["DeleteMarkers"])})
`,
    server.env(),
  );
  assert.deepEqual(r.seq, [
    ['Version', 'a'],
    ['DeleteMarker', 'a'],
    ['Version', 'a'],
    ['DeleteMarker', 'b'],
    ['Version', 'b'],
  ]);
  assert.deepEqual([r.versions, r.markers], [3, 2]);
});
