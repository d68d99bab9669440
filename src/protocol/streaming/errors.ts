/** S3's errors for bodies: framing, chunk signatures, trailers, digests. */
import { AwsError } from '../../errors.ts';
import { hexBytes } from '../../auth/errors.ts';

export const BodyErrors = {
  incompleteBody(): AwsError {
    return new AwsError('IncompleteBody', 'The request body terminated unexpectedly', 400);
  },
  /** Fewer or more bytes than Content-Length / x-amz-decoded-content-length promised. */
  lengthMismatch(): AwsError {
    return new AwsError(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
    );
  },
  missingDecodedLength(): AwsError {
    return new AwsError('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
  },
  invalidChunkSize(chunk: number, size: number): AwsError {
    return new AwsError(
      'InvalidChunkSizeError',
      'Only the last chunk is allowed to have a size less than 8192 bytes',
      400,
      {
        Chunk: String(chunk),
        BadChunkSize: String(size),
      },
    );
  },
  malformedTrailer(): AwsError {
    return new AwsError(
      'MalformedTrailerError',
      'The request contained trailing data that was not well-formed or did not conform to our published schema.',
      400,
    );
  },
  chunkSignatureMismatch(d: {
    accessKeyId: string;
    stringToSign: string;
    signatureProvided: string;
    canonicalRequest: string;
  }): AwsError {
    return new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
      {
        AWSAccessKeyId: d.accessKeyId,
        StringToSign: d.stringToSign,
        SignatureProvided: d.signatureProvided,
        StringToSignBytes: hexBytes(d.stringToSign),
        CanonicalRequest: d.canonicalRequest,
        CanonicalRequestBytes: hexBytes(d.canonicalRequest),
      },
    );
  },
  anonymousSignedStreaming(): AwsError {
    return new AwsError(
      'InvalidRequest',
      "Anonymous requests don't support this x-amz-content-sha256 value. Please use UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.",
      400,
    );
  },
  contentSha256Mismatch(client: string, computed: string): AwsError {
    return new AwsError(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      {
        ClientComputedContentSHA256: client,
        S3ComputedContentSHA256: computed,
      },
    );
  },
  invalidDigest(value: string): AwsError {
    return new AwsError('InvalidDigest', 'The Content-MD5 you specified is not valid.', 400, {
      'Content-MD5': value,
    });
  },
  badMd5(expected: string, calculated: string): AwsError {
    return new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, {
      ExpectedDigest: expected,
      CalculatedDigest: calculated,
    });
  },
  badChecksum(algorithm: string): AwsError {
    return new AwsError(
      'BadDigest',
      `The ${algorithm} you specified did not match the calculated checksum.`,
      400,
    );
  },
  invalidChecksumValue(headerName: string, trailing = false): AwsError {
    return new AwsError(
      'InvalidRequest',
      `Value for ${headerName}${trailing ? ' trailing' : ''} header is invalid.`,
      400,
    );
  },
  multipleChecksums(): AwsError {
    return new AwsError(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      400,
    );
  },
  unknownChecksumHeader(): AwsError {
    return new AwsError(
      'InvalidRequest',
      'The algorithm type you specified in x-amz-checksum- header is invalid.',
      400,
    );
  },
  unsupportedTrailer(): AwsError {
    return new AwsError(
      'InvalidRequest',
      'The value specified in the x-amz-trailer header is not supported',
      400,
    );
  },
  sdkAlgorithmWithoutChecksum(): AwsError {
    return new AwsError(
      'InvalidRequest',
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
      400,
    );
  },
  invalidSdkAlgorithm(): AwsError {
    return new AwsError(
      'InvalidRequest',
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
      400,
    );
  },
};
