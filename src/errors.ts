/**
 * The one error type that crosses layers: an AWS error with its code, HTTP status and any extra
 * members the protocol serializes (S3's <BucketName>, <Key>, ...). Services throw these (or the
 * generated subclasses); protocol serializers render them in each protocol's envelope.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members written into the error body (S3: BucketName, Key, Resource, ...). */
  readonly extra: Record<string, string>;
  /** Extra response headers (e.g. S3's x-amz-delete-marker on a 404, Allow on 405). */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    status = 400,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.extra = extra;
    this.headers = headers;
  }

  /** AWS's `Sender` vs `Receiver` fault type (query/ec2 protocols). */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;

/** Errors shared by every service, named as AWS names them. */
export const CommonErrors = {
  notImplemented: (service: string, operation: string) =>
    new AwsError(
      'NotImplemented',
      `The operation ${operation} of service ${service} is not implemented by Stratus yet.`,
      501,
    ),
  internal: (message = 'We encountered an internal error. Please try again.') =>
    new AwsError('InternalError', message, 500),
};
