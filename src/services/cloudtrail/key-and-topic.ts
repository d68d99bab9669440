/**
 * The checks CreateTrail and UpdateTrail make on a trail's KMS key (KmsKeyId) and SNS topic
 * (SnsTopicName). Stratus emulates neither KMS nor SNS, so no key or topic can exist here: a
 * well-formed one is answered as AWS answers one that does not exist, instead of being stored
 * and silently never used.
 */
import {
  InsufficientSnsTopicPolicyException,
  InvalidKmsKeyIdException,
  KmsKeyNotFoundException,
} from '../../generated/cloudtrail/errors.ts';

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/.+|alias\/.+)$/;

/**
 * KmsKeyId may be a key id, a key ARN, an alias name ("alias/...") or an alias ARN; CloudTrail
 * resolves the short forms in the caller's account and region (its messages name the full ARN).
 */
function checkKmsKey(keyId: string, accountId: string, region: string): void {
  let arn: string;
  if (keyId.startsWith('arn:')) {
    // The documented case of InvalidKmsKeyIdException: "the KMS key ARN is not valid".
    if (!KMS_ARN.test(keyId)) throw new InvalidKmsKeyIdException(`Invalid KmsKeyId ARN: ${keyId}`);
    arn = keyId;
  } else if (keyId.startsWith('alias/')) arn = `arn:aws:kms:${region}:${accountId}:${keyId}`;
  else if (KEY_ID.test(keyId)) arn = `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
  else arn = keyId;
  throw new KmsKeyNotFoundException(`KMS key not found: ${arn}`);
}

/** A non-empty KmsKeyId or SnsTopicName (name or ARN) given to CreateTrail or UpdateTrail. */
export function checkKeyAndTopic(
  input: { KmsKeyId?: string; SnsTopicName?: string },
  accountId: string,
  region: string,
): void {
  if (input.KmsKeyId) checkKmsKey(input.KmsKeyId, accountId, region);
  // The wording AWS users quote for a missing topic (and moto answers).
  if (input.SnsTopicName)
    throw new InsufficientSnsTopicPolicyException(
      'SNS Topic does not exist or the topic policy is incorrect!',
    );
}
