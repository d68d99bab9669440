/**
 * Streaming multipart/form-data reader for S3 browser uploads (POST Object). Fields before
 * the `file` part are collected (small, capped); the file's bytes flow out as a stream with
 * back-pressure; parts after the file are read and ignored, as S3 does.
 */
import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import { AwsError } from '../errors.ts';

export interface PostFormFile {
  /** The file's bytes; errors if the form turns out malformed. Must be consumed. */
  stream: Readable;
  filename: string;
  /** The part's own Content-Type header ('' when absent). */
  contentType: string;
}

export interface PostForm {
  /** Fields before the file, names as sent (S3 matches them case-insensitively). */
  fields: Map<string, string>;
  file: PostFormFile;
  /** Settles when the whole request body has been read (rejects when it is malformed). */
  done: Promise<void>;
}

/** S3: fields before the file may total at most 20 KB. */
const MAX_PRE_DATA = 20 * 1024;
const MAX_PART_HEADERS = 8 * 1024;

export const PostFormErrors = {
  notMultipart(): AwsError {
    return new AwsError(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      412,
      {
        Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
      },
    );
  },
  malformed(): AwsError {
    return new AwsError(
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
      400,
    );
  },
  tooLarge(): AwsError {
    return new AwsError(
      'MaxPostPreDataLengthExceededError',
      'Your POST request fields preceeding the upload file was too large.',
      400,
      {
        MaxPostPreDataLength: String(MAX_PRE_DATA),
      },
    );
  },
  noFile(): AwsError {
    return new AwsError('InvalidArgument', 'POST requires exactly one file upload per request.', 400, {
      ArgumentName: 'file',
      ArgumentValue: '0',
    });
  },
};

/** The multipart boundary of a Content-Type header; throws PreconditionFailed when not multipart. */
export function multipartBoundary(contentType: string | undefined): string {
  const m = contentType && /^\s*multipart\/form-data\s*;(.*)$/i.exec(contentType);
  if (!m) throw PostFormErrors.notMultipart();
  const b = /(?:^|;)\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(m[1]!);
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary || boundary.length > 200) throw PostFormErrors.malformed();
  return boundary;
}

interface PartHeaders {
  name: string;
  filename: string | undefined;
  contentType: string;
}

function parsePartHeaders(text: string): PartHeaders {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType = '';
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      if (!/^form-data\b/i.test(value)) throw PostFormErrors.malformed();
      const n = /;\s*name="((?:[^"\\]|\\.)*)"/i.exec(value) ?? /;\s*name=([^;\s]+)/i.exec(value);
      const f = /;\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value) ?? /;\s*filename=([^;\s]+)/i.exec(value);
      name = n?.[1]?.replace(/\\(.)/g, '$1');
      filename = f?.[1]?.replace(/\\(.)/g, '$1');
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) throw PostFormErrors.malformed();
  return { name, filename, contentType };
}

/**
 * Reads a POST Object body. Resolves once the `file` part starts (with every field before it);
 * rejects with an AwsError when the form is malformed before that point.
 */
export function readPostForm(body: Readable, contentType: string | undefined): Promise<PostForm> {
  let boundary: string;
  try {
    boundary = multipartBoundary(contentType);
  } catch (e) {
    return Promise.reject(e);
  }
  // The delimiter is CRLF--boundary; a virtual CRLF before the body lets the first one match.
  const delim = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const fields = new Map<string, string>();
  let resolveForm!: (f: PostForm) => void;
  let rejectForm!: (e: unknown) => void;
  const formPromise = new Promise<PostForm>((res, rej) => {
    resolveForm = res;
    rejectForm = rej;
  });
  let file: PassThrough | undefined;
  let resolved = false;

  const done = (async () => {
    let buf: Buffer = Buffer.from('\r\n');
    // 'preamble' → 'afterDelim' → 'headers' → 'data' → 'afterDelim' ... → 'epilogue'
    let state: 'preamble' | 'afterDelim' | 'headers' | 'data' | 'epilogue' = 'preamble';
    let part: PartHeaders | undefined;
    let value: Buffer[] = [];
    let preData = 0;
    let inFile = false;
    let fileDone = false;

    const emitData = async (data: Buffer) => {
      if (data.length === 0) return;
      if (inFile) {
        if (!file!.write(data)) await once(file!, 'drain');
      } else if (part && !fileDone) {
        preData += data.length;
        if (preData > MAX_PRE_DATA) throw PostFormErrors.tooLarge();
        value.push(data);
      }
    };

    const endPart = () => {
      if (inFile) {
        inFile = false;
        fileDone = true;
        file!.end();
      } else if (part && !fileDone) {
        // A field part may carry a filename too (Python requests' files= sends every part so);
        // S3 takes its value all the same: only the part named `file` is the upload.
        fields.set(part.name, Buffer.concat(value).toString('utf8'));
      }
      part = undefined;
      value = [];
    };

    const process = async (): Promise<void> => {
      for (;;) {
        if (state === 'epilogue') {
          buf = Buffer.alloc(0);
          return;
        }
        if (state === 'preamble' || state === 'data') {
          const at = buf.indexOf(delim);
          if (at < 0) {
            // Keep a tail that could be the start of a delimiter.
            const keep = Math.min(buf.length, delim.length - 1);
            if (state === 'data') await emitData(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            return;
          }
          if (state === 'data') {
            await emitData(buf.subarray(0, at));
            endPart();
          }
          buf = buf.subarray(at + delim.length);
          state = 'afterDelim';
        }
        if (state === 'afterDelim') {
          if (buf.length < 2) return;
          if (buf[0] === 45 && buf[1] === 45) {
            state = 'epilogue';
            continue;
          }
          const nl = buf.indexOf('\r\n');
          if (nl < 0) {
            if (buf.length > 256) throw PostFormErrors.malformed();
            return;
          }
          if (buf.subarray(0, nl).toString('latin1').trim() !== '') throw PostFormErrors.malformed();
          buf = buf.subarray(nl + 2);
          state = 'headers';
        }
        if (state === 'headers') {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buf.length > MAX_PART_HEADERS) throw PostFormErrors.malformed();
            return;
          }
          const headers = parsePartHeaders(buf.subarray(0, end).toString('utf8'));
          buf = buf.subarray(end + 4);
          part = headers;
          state = 'data';
          if (!fileDone && headers.name.toLowerCase() === 'file') {
            inFile = true;
            file = new PassThrough();
            // The error stays recorded on the stream for pipeline(); this only keeps an early
            // failure (before the consumer attaches) from being an uncaught 'error' event.
            file.on('error', () => {});
            resolved = true;
            resolveForm({
              fields,
              file: { stream: file, filename: headers.filename ?? '', contentType: headers.contentType },
              done,
            });
          }
        }
      }
    };

    try {
      for await (const chunk of body) {
        buf = buf.length === 0 ? (chunk as Buffer) : Buffer.concat([buf, chunk as Buffer]);
        await process();
      }
      if ((state as string) !== 'epilogue') throw PostFormErrors.malformed();
      if (!fileDone) throw PostFormErrors.noFile();
    } catch (e) {
      if (file && !fileDone) file.destroy(e as Error);
      if (!resolved) rejectForm(e);
      throw e;
    }
  })();
  // Before the form resolves, failures surface through formPromise; afterwards through done.
  done.catch(() => {});
  return formPromise;
}
