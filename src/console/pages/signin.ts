/** The sign-in form: an access key pair (and a session token for temporary credentials). */
import { markup, href } from '../html.ts';
import { page } from '../layout.ts';
import { FALLBACK_REGIONS } from '../context.ts';

export interface SignInForm {
  accessKeyId?: string;
  region?: string;
  next?: string;
  error?: string;
  signedOut?: boolean;
}

export function signInPage(f: SignInForm, defaultRegion: string) {
  const region = f.region || defaultRegion;
  const regions = [...new Set([...FALLBACK_REGIONS, defaultRegion, region])].sort();
  return page(
    { title: 'Sign in' },
    markup`<div class="signin">
    ${f.signedOut ? markup`<p class="notice ok" role="status">You are signed out. Your keys are gone from the server.</p>` : ''}
    ${f.error ? markup`<div class="notice error" role="alert" id="signin-error"><strong>Sign-in failed.</strong> ${f.error}</div>` : ''}
    <form method="post" action="${href('/signin')}" class="stack"${f.error ? markup` aria-describedby="signin-error"` : ''}>
      <p>Sign in with an access key pair: the root key, an IAM user's key, or temporary credentials
      (with their session token). The console calls the API with these credentials, so it shows
      what they may read and nothing more.</p>
      <input type="hidden" name="next" value="${f.next ?? ''}">
      <div><label for="accessKeyId">Access key ID</label>
      <input id="accessKeyId" name="accessKeyId" required autocomplete="username" spellcheck="false" autocapitalize="off" value="${f.accessKeyId ?? ''}" maxlength="128"${f.error || !f.accessKeyId ? markup` autofocus` : ''}></div>
      <div><label for="secretAccessKey">Secret access key</label>
      <input id="secretAccessKey" name="secretAccessKey" type="password" required autocomplete="current-password" maxlength="128"${f.accessKeyId && f.error ? markup` autofocus` : ''}></div>
      <div><label for="sessionToken">Session token <span class="muted">(temporary credentials only)</span></label>
      <textarea id="sessionToken" name="sessionToken" rows="3" spellcheck="false" autocomplete="off" maxlength="8192"></textarea></div>
      <div><label for="region">Region</label>
      <select id="region" name="region">${regions.map((r) => markup`<option value="${r}"${r === region ? markup` selected` : ''}>${r}</option>`)}</select></div>
      <div><button type="submit" class="primary">Sign in</button></div>
      <p class="hint">The keys are kept in this server's memory for the session only, never in the browser, the URL or a log.</p>
    </form></div>`,
  );
}
