/** IAM principals for tests: users with access keys, STS credentials as SDK clients take them. */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { Credentials } from '@aws-sdk/client-sts';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Creates a user (with an inline policy when given) and an access key for it. */
export async function createUserWithKeys(
  iam: IAMClient,
  name: string,
  policy?: string,
  policyName = 'inline',
): Promise<Creds & { arn: string }> {
  const u = await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy)
    await iam.send(
      new PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: policy }),
    );
  const k = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return {
    accessKeyId: k.AccessKey!.AccessKeyId!,
    secretAccessKey: k.AccessKey!.SecretAccessKey!,
    arn: u.User!.Arn!,
  };
}

/** The credentials an STS call answered, as SDK clients take them. */
export const sessionCredentials = (c: Credentials): Required<Creds> => ({
  accessKeyId: c.AccessKeyId!,
  secretAccessKey: c.SecretAccessKey!,
  sessionToken: c.SessionToken!,
});
