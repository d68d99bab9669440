import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsError } from '../../src/errors.ts';
import { loadModel } from '../../src/protocol/model.ts';
import type { ServiceName } from '../../src/protocol/model.ts';
import * as s3 from '../../src/generated/s3/index.ts';
import * as iam from '../../src/generated/iam/index.ts';
import * as sts from '../../src/generated/sts/index.ts';
import * as ec2 from '../../src/generated/ec2/index.ts';
import * as cloudtrail from '../../src/generated/cloudtrail/index.ts';

const root = join(import.meta.dirname, '..', '..');

describe('generated error classes', () => {
  it('bake in code, status and AWS default message; carry extra members', () => {
    const e = new s3.NoSuchBucket(undefined, { BucketName: 'b' });
    assert.ok(e instanceof AwsError);
    assert.equal(e.code, 'NoSuchBucket');
    assert.equal(e.status, 404);
    assert.equal(e.message, 'The specified bucket does not exist');
    assert.deepEqual(e.extra, { BucketName: 'b' });
    assert.equal(s3.NoSuchBucket.code, 'NoSuchBucket');
    assert.equal(s3.NoSuchBucket.status, 404);
  });

  it('drop undefined extras and keep headers', () => {
    const e = new s3.MethodNotAllowed(
      undefined,
      { Method: 'PUT', ResourceType: undefined },
      { Allow: 'GET' },
    );
    assert.deepEqual(e.extra, { Method: 'PUT' });
    assert.deepEqual(e.headers, { Allow: 'GET' });
    assert.equal(e.status, 405);
  });

  it('use the model codes (IAM *Exception shapes) and the overlay ones', () => {
    assert.equal(new iam.NoSuchEntityException('The user with name x cannot be found.').code, 'NoSuchEntity');
    assert.equal(new iam.NoSuchEntityException('m').status, 404);
    assert.equal(new iam.ValidationError('m').status, 400);
    assert.equal(new sts.AccessDenied('m').status, 403);
    assert.equal(new sts.ExpiredTokenException('m').code, 'ExpiredTokenException');
    assert.equal(new sts.ExpiredToken().code, 'ExpiredToken');
    assert.equal(new cloudtrail.TrailNotFoundException('m').code, 'TrailNotFoundException');
    assert.equal(new cloudtrail.TrailNotFoundException('m').status, 400);
  });

  it('keep EC2 dotted codes exact', () => {
    const e = new ec2.InvalidAMIIDNotFound("The image id '[ami-1]' does not exist");
    assert.equal(e.code, 'InvalidAMIID.NotFound');
    assert.equal(ec2.errorsByCode['InvalidKeyPair.Duplicate'], ec2.InvalidKeyPairDuplicate);
    assert.equal(new ec2.AuthFailure().status, 401);
    assert.equal(
      new ec2.AuthFailure().message,
      'AWS was not able to validate the provided access credentials',
    );
    assert.equal(new ec2.DryRunOperation().status, 412);
    assert.equal(
      new ec2.InvalidKeyPairDuplicate("The keypair 'k' already exists.").message,
      "The keypair 'k' already exists.",
    );
  });

  it('errorsByCode has every error shape of the merged model', () => {
    const mods = { s3, iam, sts, ec2, cloudtrail } as const;
    for (const [svc, mod] of Object.entries(mods)) {
      const model = loadModel(svc as ServiceName);
      const codes = Object.entries(model.shapes)
        .filter(([, s]) => s.exception)
        .map(([name, s]) => s.error?.code ?? name);
      assert.deepEqual(Object.keys(mod.errorsByCode).sort(), [...new Set(codes)].sort(), svc);
      for (const cls of Object.values(mod.errorsByCode)) assert.ok(new cls('m') instanceof AwsError);
    }
  });
});

describe('generated operation interfaces', () => {
  it('list every model operation', () => {
    assert.deepEqual([...s3.S3_OPERATIONS].sort(), Object.keys(loadModel('s3').operations).sort());
    assert.deepEqual([...ec2.EC2_OPERATIONS].sort(), Object.keys(loadModel('ec2').operations).sort());
    assert.ok(sts.STS_OPERATIONS.includes('AssumeRole'));
    assert.ok(iam.IAM_OPERATIONS.includes('CreateUser'));
    assert.ok(cloudtrail.CLOUDTRAIL_OPERATIONS.includes('LookupEvents'));
  });

  it('type a partial handler set (compile-time check, run for the example)', async () => {
    const handlers: sts.StsHandlers = {
      async GetCallerIdentity(_input, ctx) {
        return { Account: ctx.accountId, Arn: ctx.principal.arn, UserId: ctx.principal.userId };
      },
    };
    const input: sts.AssumeRoleRequest = { RoleArn: 'arn:aws:iam::1:role/r', RoleSessionName: 's' };
    assert.equal(input.RoleSessionName, 's');
    assert.equal(typeof handlers.GetCallerIdentity, 'function');
    assert.equal(handlers.AssumeRole, undefined);
  });
});

describe('generated files', () => {
  it('are what the generator produces from the current models (run npm run codegen)', async () => {
    const renderPath = join(root, 'scripts/codegen/render.mjs');
    const render = await import(renderPath);
    for (const svc of ['s3', 'iam', 'sts', 'ec2', 'cloudtrail'] as const) {
      const model = loadModel(svc);
      const onDisk = readFileSync(join(root, 'src/generated', svc, 'errors.ts'), 'utf8');
      assert.ok(onDisk.startsWith('// GENERATED by scripts/codegen.mjs'), svc);
      assert.ok(onDisk.endsWith(render.renderErrors(model)), `${svc} errors.ts is stale`);
      const ops = readFileSync(join(root, 'src/generated', svc, 'operations.ts'), 'utf8');
      assert.ok(ops.endsWith(render.renderOperations(model)), `${svc} operations.ts is stale`);
      const types = readFileSync(join(root, 'src/generated', svc, 'types.ts'), 'utf8');
      assert.ok(types.endsWith(render.renderTypes(model)), `${svc} types.ts is stale`);
    }
  });
});
