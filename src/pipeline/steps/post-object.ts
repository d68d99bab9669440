/**
 * Authentication of S3 browser uploads (POST Object): they carry no Authorization header; the
 * form's policy is signed instead. The form is read up to the file (fields only), the policy's
 * signature and conditions are checked (src/auth/post-policy.ts), the signer becomes the
 * principal, and the handler gets the fields and the file stream (size-range checked) as
 * ctx.postForm. Unsigned forms stay anonymous, for the authorizer to refuse.
 */
import { readPostForm } from '../../auth/post-form.ts';
import { postAccessKeyId, verifyPostPolicy } from '../../auth/post-policy.ts';
import { ANONYMOUS } from '../../auth/principal.ts';
import type { App } from '../../app.ts';
import type { RequestContext } from '../context.ts';

export async function authenticatePostObject(app: App, ctx: RequestContext): Promise<void> {
  const form = await readPostForm(ctx.body, ctx.headers['content-type']);
  const akid = postAccessKeyId(form.fields);
  const credential = akid !== undefined ? await app.credentials.resolve(akid) : undefined;
  let auth;
  try {
    auth = verifyPostPolicy(form.fields, credential, {
      bucket: ctx.s3?.bucket ?? '',
      filename: form.file.filename,
      now: app.now(),
    });
  } catch (e) {
    form.file.stream.resume();
    form.done.catch(() => {});
    throw e;
  }
  if (auth.type === 'anonymous' || !auth.credential) {
    ctx.principal = ANONYMOUS;
  } else {
    ctx.credential = auth.credential;
    ctx.principal = auth.credential.principal;
    if (auth.scope) ctx.region = auth.scope.region;
    app.credentials.recordUse?.(auth.accessKeyId!, 's3', ctx.region, app.now());
  }
  const file = form.file.stream.pipe(auth.lengthCheck);
  form.file.stream.on('error', (e) => auth.lengthCheck.destroy(e));
  // A refused file is still read to its end (and discarded), so the response can be sent.
  auth.lengthCheck.on('error', () => form.file.stream.resume());
  ctx.postForm = {
    key: auth.key,
    fields: auth.fields,
    file,
    filename: form.file.filename,
    fileContentType: form.file.contentType,
    done: form.done,
  };
}
