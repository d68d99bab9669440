/** Pure parts of EC2: filter matching, pagination tokens, CIDR arithmetic, zone shuffles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilters, matchesAny, paginate } from '../../src/services/ec2/filters.ts';
import { contains, overlaps, parseCidr, format } from '../../src/services/ec2/cidr.ts';
import { zonesFor } from '../../src/services/ec2/regions.ts';
import { AwsError } from '../../src/errors.ts';

test('wildcards: * and ? match, everything else is literal (dots, brackets, slashes)', () => {
  assert.ok(matchesAny(['al2023-ami-2023.5'], ['al2023-ami-*']));
  assert.ok(matchesAny(['t3.micro'], ['t?.micro']));
  assert.ok(!matchesAny(['t3xmicro'], ['t3.micro']));
  assert.ok(!matchesAny(['abc'], ['ab']));
  assert.ok(matchesAny(['a(b)[c]'], ['a(b)[c]']));
  assert.ok(matchesAny(['a*b'], ['a\\*b']));
  assert.ok(!matchesAny(['axb'], ['a\\*b']));
});

test('filters: values OR, filters AND, tag:KEY / tag-key, unknown names refused', () => {
  const items = [
    { id: 'a', size: 1, Tags: [{ Key: 'env', Value: 'prod' }] },
    { id: 'b', size: 2, Tags: [{ Key: 'env', Value: 'dev' }] },
    { id: 'c', size: 2, Tags: [] },
  ];
  const fields = { id: (i: (typeof items)[0]) => i.id, size: (i: (typeof items)[0]) => i.size };
  assert.deepEqual(
    applyFilters(items, [{ Name: 'size', Values: ['2'] }], fields).map((i) => i.id),
    ['b', 'c'],
  );
  assert.deepEqual(
    applyFilters(
      items,
      [
        { Name: 'id', Values: ['a', 'b'] },
        { Name: 'size', Values: ['2'] },
      ],
      fields,
    ).map((i) => i.id),
    ['b'],
  );
  assert.deepEqual(
    applyFilters(items, [{ Name: 'tag:env', Values: ['p*'] }], fields).map((i) => i.id),
    ['a'],
  );
  assert.deepEqual(
    applyFilters(items, [{ Name: 'tag-key', Values: ['env'] }], fields).map((i) => i.id),
    ['a', 'b'],
  );
  assert.throws(
    () => applyFilters(items, [{ Name: 'colour', Values: ['x'] }], fields),
    (e: AwsError) => e.code === 'InvalidParameterValue',
  );
});

test('pagination: bounds, tokens that resume, garbage tokens refused', () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  const first = paginate(items, { MaxResults: 5 }, { min: 5, max: 1000 });
  assert.deepEqual(first.page, [0, 1, 2, 3, 4]);
  const second = paginate(items, { MaxResults: 5, NextToken: first.NextToken }, { min: 5, max: 1000 });
  const third = paginate(items, { MaxResults: 5, NextToken: second.NextToken }, { min: 5, max: 1000 });
  assert.deepEqual(third.page, [10, 11]);
  assert.equal(third.NextToken, undefined);
  assert.throws(
    () => paginate(items, { MaxResults: 4 }, { min: 5, max: 1000 }),
    (e: AwsError) => e.code === 'InvalidParameterValue',
  );
  assert.throws(
    () => paginate(items, { MaxResults: 5, NextToken: 'nope' }, { min: 5, max: 1000 }),
    (e: AwsError) => e.code === 'InvalidNextToken',
  );
});

test('CIDR: parse, normalize, containment and overlap', () => {
  assert.equal(format(parseCidr('172.31.5.9/20')!), '172.31.0.0/20');
  assert.equal(parseCidr('300.1.1.1/16'), undefined);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.ok(contains(parseCidr('10.0.0.0/16')!, parseCidr('10.0.255.0/24')!));
  assert.ok(!contains(parseCidr('10.0.0.0/16')!, parseCidr('10.1.0.0/24')!));
  assert.ok(overlaps(parseCidr('10.0.0.0/24')!, parseCidr('10.0.0.128/25')!));
  assert.ok(!overlaps(parseCidr('10.0.0.0/25')!, parseCidr('10.0.0.128/25')!));
});

test('zones: stable per account, a permutation of the ids, different across accounts', () => {
  const a = zonesFor('000000000000', 'us-east-1');
  assert.deepEqual(a, zonesFor('000000000000', 'us-east-1'));
  assert.deepEqual(
    a.map((z) => z.name),
    ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
  );
  assert.deepEqual(a.map((z) => z.id).sort(), [
    'use1-az1',
    'use1-az2',
    'use1-az3',
    'use1-az4',
    'use1-az5',
    'use1-az6',
  ]);
  const others = ['111111111111', '222222222222', '333333333333'].map((acct) =>
    zonesFor(acct, 'us-east-1')
      .map((z) => z.id)
      .join(),
  );
  assert.ok(others.some((o) => o !== a.map((z) => z.id).join()));
});
