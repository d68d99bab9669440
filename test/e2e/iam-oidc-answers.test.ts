/**
 * OpenID Connect providers answer as AWS did in LocalStack's recorded test_iam_oidc: a URL with
 * no scheme, more than 5 thumbprints, more than 100 client ids and a duplicate URL are refused in
 * AWS's words; a missing provider is worded one way by Get and another by Delete; GetOpenIDConnect
 * Provider always answers Tags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';

const { server, iam } = useServer();
const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
const create = (Url: string, ThumbprintList = ['a'.repeat(40)], ClientIDList?: string[]) =>
  iam.send(new CreateOpenIDConnectProviderCommand({ Url, ThumbprintList, ClientIDList }));

test('refusals on create: no scheme, thumbprints, client ids, duplicates', async () => {
  assert.deepEqual(await failure(create('example.org')), {
    name: 'ValidationError',
    status: 400,
    message: 'Invalid Open ID Connect Provider URL',
  });
  const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(40));
  assert.deepEqual(await failure(create('https://thumbs.example.com', six)), {
    name: 'InvalidInputException',
    status: 400,
    message: 'Thumbprint list must contain fewer than 5 entries.',
  });
  const ids = Array.from({ length: 101 }, (_, i) => String(i));
  assert.deepEqual(await failure(create('https://clients.example.com', undefined, ids)), {
    name: 'LimitExceededException',
    status: 409,
    message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
  });
  await create('https://dup.example.com');
  assert.deepEqual(await failure(create('https://dup.example.com')), {
    name: 'EntityAlreadyExistsException',
    status: 409,
    message: 'Provider with url https://dup.example.com already exists.',
  });
});

test('a missing provider: Get and Delete word it differently; Get answers Tags []', async () => {
  const arn = 'arn:aws:iam::000000000000:oidc-provider/non-existent.example.com';
  assert.deepEqual(
    await failure(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))),
    {
      name: 'NoSuchEntityException',
      status: 404,
      message: `OpenIDConnect Provider not found for arn ${arn}`,
    },
  );
  assert.deepEqual(
    await failure(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))),
    {
      name: 'NoSuchEntityException',
      status: 404,
      message: `OpenId connect Provider ${arn} cannot be found.`,
    },
  );
  const { OpenIDConnectProviderArn } = await create('https://untagged.example.com');
  const r = await python(
    `
iam = client("iam")
out(call(iam.get_open_id_connect_provider, OpenIDConnectProviderArn="${OpenIDConnectProviderArn}").get("Tags"))
`,
    server.env(),
  );
  assert.deepEqual(r, []);
});
