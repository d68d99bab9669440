/** IAM's errors with the messages AWS words them in. */
import { AwsError } from '../../errors.ts';

export const noSuch = (message: string) => new AwsError('NoSuchEntity', message, 404);
export const exists = (message: string) => new AwsError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => new AwsError('DeleteConflict', message, 409);
export const limitExceeded = (message: string) => new AwsError('LimitExceeded', message, 409);
export const invalidInput = (message: string) => new AwsError('InvalidInput', message, 400);
export const validationError = (message: string) => new AwsError('ValidationError', message, 400);
export const malformedPolicy = (message: string) => new AwsError('MalformedPolicyDocument', message, 400);
export const unmodifiable = (message: string) => new AwsError('UnmodifiableEntity', message, 400);

const LABEL: Record<string, string> = {
  user: 'user',
  group: 'group',
  role: 'role',
};

export const IamErrors = {
  noSuchEntity(kind: string, name: string): AwsError {
    switch (kind) {
      case 'instance-profile':
        return noSuch(`Instance Profile ${name} cannot be found.`);
      case 'policy':
        return noSuch(`Policy ${name} does not exist or is not attachable.`);
      case 'saml-provider':
      case 'oidc-provider':
        return noSuch(`Manifest not found for arn ${name}`);
      default:
        return noSuch(`The ${LABEL[kind] ?? kind} with name ${name} cannot be found.`);
    }
  },
  alreadyExists(kind: string, name: string): AwsError {
    switch (kind) {
      case 'user':
        return exists(`User with name ${name} already exists.`);
      case 'group':
        return exists(`Group with name ${name} already exists.`);
      case 'role':
        return exists(`Role with name ${name} already exists.`);
      case 'policy':
        return exists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
      case 'instance-profile':
        return exists(`Instance Profile ${name} already exists.`);
      case 'saml-provider':
        return exists(`SAMLProvider ${name} already exists`);
      default:
        return exists(`Provider with url ${name} already exists.`);
    }
  },
};
