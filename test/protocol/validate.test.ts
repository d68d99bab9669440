import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../src/protocol/model.ts';
import { validateInput, validationError } from '../../src/protocol/validate.ts';
import { javaPattern } from '../../src/protocol/java-regex.ts';
import type { ServiceName } from '../../src/protocol/model.ts';

/** Validates and returns the error AWS would answer, or undefined when the input passes. */
function check(svc: ServiceName, op: string, input: Record<string, unknown>) {
  const model = loadModel(svc);
  const issues = validateInput(model, op, input);
  return issues.length ? validationError(model, issues) : undefined;
}

const ROLE = 'arn:aws:iam::123456789012:role/demo';

describe('validation, query protocol (STS echoes values)', () => {
  it('DurationSeconds below 900 (botocore with parameter_validation=False)', () => {
    const err = check('sts', 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 120 });
    assert.equal(err?.code, 'ValidationError');
    assert.equal(err?.status, 400);
    assert.equal(
      err?.message,
      "1 validation error detected: Value '120' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });

  it('a session name over 64 characters', () => {
    const name = 's'.repeat(65);
    assert.equal(
      check('sts', 'AssumeRole', { RoleArn: ROLE, RoleSessionName: name })?.message,
      `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  it('aggregates several issues with "; " and counts them', () => {
    const err = check('sts', 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'x', DurationSeconds: 50000 });
    assert.equal(
      err?.message,
      "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
        "Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
  });

  it('missing required members are "Value null ... must not be null"', () => {
    assert.equal(
      check('sts', 'AssumeRole', {})?.message,
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('patterns match the whole value and list items use the tags.N.member.key path', () => {
    const err = check('sts', 'AssumeRole', {
      RoleArn: ROLE,
      RoleSessionName: 'has space',
      Tags: [
        { Key: 'fine', Value: 'v' },
        { Key: 'bad*key', Value: 'v' },
      ],
    });
    assert.equal(
      err?.message,
      "2 validation errors detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; " +
        "Value 'bad*key' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
    );
  });

  it('accepts a valid request', () => {
    assert.equal(
      check('sts', 'AssumeRole', {
        RoleArn: ROLE,
        RoleSessionName: 'user@example.com',
        DurationSeconds: 900,
      }),
      undefined,
    );
    assert.equal(check('sts', 'GetCallerIdentity', {}), undefined);
  });
});

describe('validation, IAM (no longer echoes string values)', () => {
  it('role name too long', () => {
    assert.equal(
      check('iam', 'CreateRole', { RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: '{}' })?.message,
      "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64",
    );
  });

  it('missing user name', () => {
    const err = check('iam', 'CreateUser', {});
    assert.equal(err?.code, 'ValidationError');
    assert.equal(
      err?.message,
      "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('enums are validated and listed in model order', () => {
    assert.equal(
      check('iam', 'UpdateAccessKey', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Enabled' })?.message,
      "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
    );
  });

  it('numbers are still echoed', () => {
    assert.equal(
      check('iam', 'ListUsers', { MaxItems: 0 })?.message,
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it("bad names and paths get IAM's own sentence", () => {
    const err = check('iam', 'CreateUser', { UserName: 'invalid/user' });
    assert.equal(err?.code, 'ValidationError');
    assert.equal(
      err?.message,
      'The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    );
    assert.equal(
      check('iam', 'CreateRole', { RoleName: 'r', Path: 'invalid', AssumeRolePolicyDocument: '{}' })?.message,
      'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
    );
  });

  it('tag values too long', () => {
    assert.equal(
      check('iam', 'CreateUser', { UserName: 'alice', Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] })
        ?.message,
      "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
  });
});

describe('validation, lists of scalars (Coral checks the list as a whole)', () => {
  // AWS (recorded by LocalStack's IAM snapshot tests, UntagPolicy with a 129-character key).
  const TAG_KEYS =
    'Member must satisfy constraint: [Member must have length less than or equal to 128, ' +
    'Member must have length greater than or equal to 1, ' +
    'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]';

  it('one issue at the list path naming every item constraint, however many items fail', () => {
    const arn = 'arn:aws:iam::123456789012:policy/p';
    assert.equal(
      check('iam', 'UntagPolicy', { PolicyArn: arn, TagKeys: ['k'.repeat(129)] })?.message,
      `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: ${TAG_KEYS}`,
    );
    assert.equal(
      check('iam', 'UntagPolicy', { PolicyArn: arn, TagKeys: ['', 'ok', 'bad*'] })?.message,
      `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: ${TAG_KEYS}`,
    );
  });

  it("the list's own length comes first, then its items", () => {
    const keys = [...Array.from({ length: 50 }, (_, i) => `k${i}`), ''];
    assert.equal(
      check('iam', 'UntagUser', { UserName: 'u', TagKeys: keys })?.message,
      "2 validation errors detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50; " +
        `Value at 'tagKeys' failed to satisfy constraint: ${TAG_KEYS}`,
    );
  });

  it('services that echo values print the whole list', () => {
    assert.equal(
      check('sts', 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'ok', TransitiveTagKeys: ['a', 'b*'] })
        ?.message,
      `1 validation error detected: Value '[a, b*]' at 'transitiveTagKeys' failed to satisfy constraint: ${TAG_KEYS}`,
    );
  });

  it('valid items pass', () => {
    assert.equal(check('iam', 'UntagUser', { UserName: 'u', TagKeys: ['a', 'b c'] }), undefined);
  });
});

describe('validation, ec2 protocol', () => {
  it('a missing required parameter is MissingParameter with the wire name', () => {
    const err = check('ec2', 'RunInstances', { MinCount: 1 });
    assert.equal(err?.code, 'MissingParameter');
    assert.equal(err?.message, 'The request must contain the parameter MaxCount');
    assert.equal(
      check('ec2', 'ImportKeyPair', { KeyName: 'k' })?.message,
      'The request must contain the parameter PublicKeyMaterial',
    );
  });

  it('a number out of range is InvalidParameterValue', () => {
    const err = check('ec2', 'DescribeRouteTables', { MaxResults: 3 });
    assert.equal(err?.code, 'InvalidParameterValue');
    assert.match(err!.message, /^Value \( 3 \) for parameter maxResults is invalid\./);
  });

  it('leaves enums and lengths to the handlers', () => {
    assert.equal(
      check('ec2', 'RunInstances', { MinCount: 1, MaxCount: 1, InstanceType: 'x9.nonexistent' }),
      undefined,
    );
  });
});

describe('validation, rest-xml (S3)', () => {
  it('a body member missing a required child is MalformedXML', () => {
    const err = check('s3', 'PutBucketTagging', { Bucket: 'b', Tagging: { TagSet: [{ Key: 'k' }] } });
    assert.equal(err?.code, 'MalformedXML');
    assert.equal(err?.status, 400);
  });

  it('does not validate enums (S3 answers those in handlers)', () => {
    assert.equal(check('s3', 'PutObject', { Bucket: 'b', Key: 'k', ACL: 'not-an-acl' }), undefined);
  });
});

describe('validation, json protocol (CloudTrail)', () => {
  it('answers ValidationException with the same message format', () => {
    const err = check('cloudtrail', 'LookupEvents', {
      LookupAttributes: [{ AttributeKey: 'Bogus', AttributeValue: 'x' }],
    });
    assert.equal(err?.code, 'ValidationException');
    assert.equal(
      err?.message,
      "1 validation error detected: Value 'Bogus' at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId]',
    );
  });
});

describe('validationError targets', () => {
  it('accepts a service name or a protocol instead of a model', () => {
    const issues = validateInput(loadModel('sts'), 'AssumeRole', {});
    assert.equal(validationError('sts', issues).code, 'ValidationError');
    assert.equal(validationError('json', issues).code, 'ValidationException');
    assert.throws(() => validationError('sts', []));
  });
});

describe('Java patterns', () => {
  it('are anchored full matches', () => {
    assert.equal(javaPattern('[\\w+=,.@-]+').test('ok'), true);
    assert.equal(javaPattern('[\\w+=,.@-]+').test('not ok'), false);
  });

  it('accept escapes Java allows and JS u-mode does not, inline flags, astral ranges', () => {
    assert.equal(javaPattern('[\\w+=,.@\\:-]*').test('a:b'), true);
    assert.equal(javaPattern('(?s).*').test('line\nline'), true);
    const arn = javaPattern(
      '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
    );
    assert.equal(arn.test('arn:aws:iam::1:role/😀'), true);
    assert.equal(arn.test('bad\u0001'), false);
  });

  it('compile for every pattern in every model', () => {
    for (const svc of ['s3', 'iam', 'sts', 'ec2', 'cloudtrail'] as const) {
      for (const shape of Object.values(loadModel(svc).shapes)) if (shape.pattern) javaPattern(shape.pattern);
    }
  });
});
