/**
 * Authentication errors as AWS words them. AWS answers differently by front end: S3 (REST-XML,
 * rich extra fields), EC2 (AuthFailure, RequestExpired), the query services (IAM, STS:
 * InvalidClientTokenId, SignatureDoesNotMatch) and the JSON services (CloudTrail: *Exception names).
 */
import { AwsError } from '../errors.ts';
import { isoSeconds } from '../time-format.ts';

export type AuthFamily = 's3' | 'ec2' | 'query' | 'json';

const QUERY_SERVICES = new Set([
  'iam',
  'sts',
  'sns',
  'sqs',
  'rds',
  'elasticloadbalancing',
  'autoscaling',
  'cloudformation',
  'cloudwatch',
  'monitoring',
  'ses',
  'email',
  'redshift',
  'elasticache',
  'sdb',
]);

/** Which error dialect a signing-scope service name speaks. */
export function authFamily(service: string): AuthFamily {
  if (service === 's3') return 's3';
  if (service === 'ec2') return 'ec2';
  if (QUERY_SERVICES.has(service)) return 'query';
  return 'json';
}

const SIG_MISMATCH_S3 =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const SIG_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Space-separated hex bytes, as S3 renders StringToSignBytes / CanonicalRequestBytes. */
export function hexBytes(s: string): string {
  const b = Buffer.from(s, 'utf8');
  const out: string[] = new Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i]!.toString(16).padStart(2, '0');
  return out.join(' ');
}

/** 20130524T000000Z form. */
export function amzDateOf(d: Date): string {
  // 2026-11-29T04:30:48.123Z -> 20261129T043048Z (sliced: this runs on every signed request)
  const iso = d.toISOString();
  if (iso.length !== 24) return iso.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z'); // years past 9999
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

export interface MismatchDetails {
  accessKeyId: string;
  stringToSign: string;
  signatureProvided: string;
  /** SigV4 only. */
  canonicalRequest?: string;
}

export const AuthErrors = {
  /** No credentials at all on a service that has no anonymous access. */
  missingAuthenticationToken(family: AuthFamily): AwsError {
    if (family === 'json')
      return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    if (family === 'ec2') {
      return new AwsError(
        'MissingAuthenticationToken',
        'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
        401,
      );
    }
    return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  },

  /**
   * Unknown or inactive access key id. `service` tells IAM from STS: both speak the query
   * dialect, but IAM's message has no closing period (STS's does).
   */
  unknownAccessKey(family: AuthFamily, accessKeyId: string, service?: string): AwsError {
    switch (family) {
      case 's3':
        return new AwsError(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
          403,
          {
            AWSAccessKeyId: accessKeyId,
          },
        );
      case 'ec2':
        return new AwsError(
          'AuthFailure',
          'AWS was not able to validate the provided access credentials',
          401,
        );
      case 'json':
        return new AwsError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
          400,
        );
      default:
        return new AwsError(
          'InvalidClientTokenId',
          service === 'iam'
            ? 'The security token included in the request is invalid'
            : 'The security token included in the request is invalid.',
          403,
        );
    }
  },

  /** A session token that does not belong to the key (or one sent with a long-term key). */
  invalidToken(family: AuthFamily, token?: string, service?: string): AwsError {
    if (family === 's3') {
      return new AwsError(
        'InvalidToken',
        'The provided token is malformed or otherwise invalid.',
        400,
        token ? { 'Token-0': token } : {},
      );
    }
    return AuthErrors.unknownAccessKey(family, '', service);
  },

  expiredToken(family: AuthFamily, token?: string): AwsError {
    switch (family) {
      case 's3':
        return new AwsError(
          'ExpiredToken',
          'The provided token has expired.',
          400,
          token ? { 'Token-0': token } : {},
        );
      case 'ec2':
        return new AwsError('RequestExpired', 'Request has expired.', 400);
      case 'json':
        return new AwsError(
          'ExpiredTokenException',
          'The security token included in the request is expired',
          400,
        );
      default:
        return new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    }
  },

  signatureMismatch(family: AuthFamily, d: MismatchDetails): AwsError {
    switch (family) {
      case 's3': {
        const extra: Record<string, string> = {
          AWSAccessKeyId: d.accessKeyId,
          StringToSign: d.stringToSign,
          SignatureProvided: d.signatureProvided,
          StringToSignBytes: hexBytes(d.stringToSign),
        };
        if (d.canonicalRequest !== undefined) {
          extra.CanonicalRequest = d.canonicalRequest;
          extra.CanonicalRequestBytes = hexBytes(d.canonicalRequest);
        }
        return new AwsError('SignatureDoesNotMatch', SIG_MISMATCH_S3, 403, extra);
      }
      case 'ec2':
        return new AwsError(
          'AuthFailure',
          'AWS was not able to validate the provided access credentials',
          401,
        );
      case 'json':
        return new AwsError('InvalidSignatureException', SIG_MISMATCH, 400);
      default:
        return new AwsError('SignatureDoesNotMatch', SIG_MISMATCH, 403);
    }
  },

  /** Non-S3: the credential scope names the wrong service, region, date or terminator. */
  signatureMismatchScope(family: AuthFamily, message: string): AwsError {
    if (family === 'ec2') return new AwsError('AuthFailure', message, 401);
    return family === 'json'
      ? new AwsError('InvalidSignatureException', message, 400)
      : new AwsError('SignatureDoesNotMatch', message, 403);
  },

  /**
   * The request's date is more than 15 minutes from the server clock. `requestTime` is the
   * date as the request carried it (20130524T000000Z or an HTTP date).
   */
  requestTimeTooSkewed(family: AuthFamily, requestTime: string, requestDate: Date, now: Date): AwsError {
    const skewMs = 15 * 60 * 1000;
    if (family === 's3') {
      return new AwsError(
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
        403,
        {
          RequestTime: requestTime,
          ServerTime: isoSeconds(now),
          MaxAllowedSkewMilliseconds: String(skewMs),
        },
      );
    }
    if (family === 'ec2') {
      return requestDate < now
        ? new AwsError('RequestExpired', 'Request has expired.', 400)
        : new AwsError('RequestInTheFuture', 'Request is not yet valid.', 400);
    }
    const req = amzDateOf(requestDate);
    const message =
      requestDate < now
        ? `Signature expired: ${req} is now earlier than ${amzDateOf(new Date(now.getTime() - skewMs))} (${amzDateOf(now)} - 15 min.)`
        : `Signature not yet current: ${req} is still later than ${amzDateOf(new Date(now.getTime() + skewMs))} (${amzDateOf(now)} + 15 min.)`;
    return family === 'json'
      ? new AwsError('InvalidSignatureException', message, 400)
      : new AwsError('SignatureDoesNotMatch', message, 403);
  },

  /** A presigned URL past its X-Amz-Expires / Expires. */
  presignedExpired(family: AuthFamily, expiresAt: Date, now: Date, xAmzExpires?: string): AwsError {
    if (family === 's3') {
      const extra: Record<string, string> = {};
      if (xAmzExpires !== undefined) extra['X-Amz-Expires'] = xAmzExpires;
      extra.Expires = isoSeconds(expiresAt);
      extra.ServerTime = isoSeconds(now);
      return new AwsError('AccessDenied', 'Request has expired', 403, extra);
    }
    if (family === 'ec2') return new AwsError('RequestExpired', 'Request has expired.', 400);
    const message = `Signature expired: ${amzDateOf(expiresAt)} is now earlier than ${amzDateOf(now)}`;
    return family === 'json'
      ? new AwsError('InvalidSignatureException', message, 400)
      : new AwsError('SignatureDoesNotMatch', message, 403);
  },

  /** A presigned URL whose X-Amz-Date lies beyond the allowed skew in the future. */
  presignedNotYetValid(family: AuthFamily, date: Date, expiresAt: Date, now: Date): AwsError {
    if (family === 's3') {
      return new AwsError('AccessDenied', 'Request is not yet valid', 403, {
        'X-Amz-Date': String(date.getTime()),
        Expires: isoSeconds(expiresAt),
        ServerTime: isoSeconds(now),
      });
    }
    return AuthErrors.requestTimeTooSkewed(family, amzDateOf(date), date, now);
  },

  /** S3: x-amz-* headers sent but not covered by the signature. */
  headersNotSigned(names: string[]): AwsError {
    return new AwsError(
      'AccessDenied',
      'There were headers present in the request which were not signed',
      403,
      {
        HeadersNotSigned: names.join(', '),
      },
    );
  },

  /** Non-S3 services: structurally incomplete signature. */
  incompleteSignature(family: AuthFamily, message: string): AwsError {
    return new AwsError(
      family === 'json' ? 'IncompleteSignatureException' : 'IncompleteSignature',
      message,
      400,
    );
  },

  s3HeaderMalformed(detail: string, extra: Record<string, string> = {}): AwsError {
    return new AwsError(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; ${detail}`,
      400,
      extra,
    );
  },

  s3QueryParametersError(message: string, extra: Record<string, string> = {}): AwsError {
    return new AwsError('AuthorizationQueryParametersError', message, 400, extra);
  },

  invalidArgument(message: string, name: string, value: string): AwsError {
    return new AwsError('InvalidArgument', message, 400, { ArgumentName: name, ArgumentValue: value });
  },

  s3AccessDenied(message: string, extra: Record<string, string> = {}): AwsError {
    return new AwsError('AccessDenied', message, 403, extra);
  },

  s3InvalidRequest(message: string): AwsError {
    return new AwsError('InvalidRequest', message, 400);
  },
};

export type CredentialProblem =
  'unknown' | 'inactive' | 'expired' | 'token-missing' | 'token-mismatch' | 'token-unexpected';

/**
 * Names the error for a credential that cannot be used, the way the service in question does:
 * unknown/inactive keys and temporary keys sent without their token look like unknown keys
 * (S3 InvalidAccessKeyId, others InvalidClientTokenId); a wrong token is S3's InvalidToken;
 * expired temporary credentials are ExpiredToken.
 */
export function credentialError(
  problem: CredentialProblem,
  service: string,
  accessKeyId = '',
  sessionToken?: string,
): AwsError {
  const family = authFamily(service);
  switch (problem) {
    case 'unknown':
    case 'inactive':
    case 'token-missing':
      return AuthErrors.unknownAccessKey(family, accessKeyId, service);
    case 'token-mismatch':
    case 'token-unexpected':
      return AuthErrors.invalidToken(family, sessionToken, service);
    case 'expired':
      return AuthErrors.expiredToken(family, sessionToken);
  }
}
