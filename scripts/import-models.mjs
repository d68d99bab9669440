// Imports the AWS service models Stratus serves from the machine's botocore (complete, current
// models with constraints and error shapes), strips documentation, and writes models/<svc>.json.
// Usage: node scripts/import-models.mjs [botocore-data-dir]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const SERVICES = ['s3', 'iam', 'sts', 'ec2', 'cloudtrail'];
const dataDir =
  process.argv[2] ??
  execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__) + "/data")'])
    .toString()
    .trim();

// Keys that only carry prose; everything else (constraints, traits, errors) is kept.
const DROP = new Set(['documentation', 'documentationUrl', 'examples', 'deprecatedMessage']);

function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (!DROP.has(k)) out[k] = strip(v);
    return out;
  }
  return value;
}

mkdirSync('models', { recursive: true });
const versions = {};
for (const svc of SERVICES) {
  const dir = join(dataDir, svc);
  const version = readdirSync(dir).sort().at(-1);
  const raw = readFileSync(join(dir, version, 'service-2.json.gz'));
  const model = strip(JSON.parse(gunzipSync(raw).toString('utf8')));
  writeFileSync(join('models', `${svc}.json`), JSON.stringify(model, null, 1) + '\n');
  versions[svc] = version;
}
const botocoreVersion = execFileSync('python3', ['-c', 'import botocore; print(botocore.__version__)'])
  .toString()
  .trim();
writeFileSync(
  join('models', 'SOURCE.json'),
  JSON.stringify({ source: 'botocore', botocoreVersion, apiVersions: versions }, null, 2) + '\n',
);
console.log(`imported ${SERVICES.join(', ')} from botocore ${botocoreVersion}`);
