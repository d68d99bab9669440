/**
 * STS AssumeRoleWithSAML (unsigned: the SAML assertion is the credential). The assertion must be
 * signed by a certificate of the SAML provider's metadata, issued by its entity id, addressed to
 * AWS (audience), within its validity window, name the role/provider pair in its Role attribute
 * and carry a RoleSessionName; then the role's trust policy must allow the provider.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { PolicySource } from '../iam/policy-source.ts';
import type { IamState } from '../iam/state.ts';
import { noteRoleUse } from './assume-role.ts';
import { issueCredentials, packedPolicySize } from './credentials.ts';
import {
  checkPolicyArns,
  checkRoleArn,
  checkSessionPolicy,
  roleDuration,
  roleSession,
  sessionTags,
} from './role-session.ts';
import { readClaims, SamlError, verifiedAssertion } from './saml-assertion.ts';
import { checkTrust } from './trust.ts';

const AWS_AUDIENCES =
  /^https:\/\/(([a-z0-9-]+\.)?signin\.aws\.amazon\.com|signin\.amazonaws-us-gov\.com)\/saml(\/acs\/[A-Za-z0-9]+)?$/;
/** RoleSessionName and SourceIdentity attributes: AWS's pattern, quoted in its messages. */
const NAME_PATTERN = '[a-zA-Z_0-9+=,.@-]{2,64}';
const NAME = new RegExp(`^${NAME_PATTERN}$`);
/** Clock skew tolerated for NotBefore (IdPs' clocks drift); NotOnOrAfter is strict. */
const NOT_BEFORE_SKEW_MS = 5 * 60_000;
/** How long after its IssueInstant STS still redeems an assertion. */
const REDEEM_WITHIN_MS = 5 * 60_000;

/** The model's statuses: AccessDenied and IDPRejectedClaim 403, the others 400. */
const err = (code: string, message: string) =>
  new AwsError(code, message, code === 'AccessDenied' || code === 'IDPRejectedClaim' ? 403 : 400);

/**
 * SubjectType: the NameID Format without the urn:oasis:names:tc:SAML:2.0:nameid-format: prefix;
 * any other format as it is (STS API reference, AssumeRoleWithSAML SubjectType).
 */
const NAMEID_PREFIX = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';
const subjectTypeOf = (format: string | undefined) =>
  !format ? 'unspecified' : format.startsWith(NAMEID_PREFIX) ? format.slice(NAMEID_PREFIX.length) : format;

export interface AssumeRoleWithSamlInput {
  RoleArn: string;
  PrincipalArn: string;
  SAMLAssertion: string;
  PolicyArns?: { arn?: string }[];
  Policy?: string;
  DurationSeconds?: number;
}

export function assumeRoleWithSamlHandler(s: IamState, source: PolicySource) {
  return async function AssumeRoleWithSAML(input: AssumeRoleWithSamlInput, ctx: HandlerContext) {
    checkRoleArn(input.RoleArn);
    const m = /^arn:aws:iam::(\d{12}):saml-provider\/(.+)$/.exec(input.PrincipalArn);
    const provider = m ? await s.repo.getEntity(m[1]!, 'saml-provider', m[2]!) : undefined;
    if (!m || !provider || provider.arn !== input.PrincipalArn)
      throw err('InvalidIdentityToken', `SAML Provider ${input.PrincipalArn} does not exist.`);
    const accountId = m[1]!;

    let xml: string;
    try {
      xml = Buffer.from(input.SAMLAssertion, 'base64').toString('utf8');
    } catch {
      throw err('InvalidIdentityToken', 'Invalid base64 SAMLResponse');
    }
    let claims;
    try {
      claims = readClaims(verifiedAssertion(xml, provider.certificates));
    } catch (e) {
      if (e instanceof SamlError) throw err(e.code, e.message);
      throw err('InvalidIdentityToken', 'Invalid SAML response');
    }
    // AWS answers with the message of its internal discovery service (IAM User Guide,
    // "Troubleshoot SAML federation"; as quoted in full in dbeaver/cloudbeaver#3112).
    if (claims.issuer !== provider.entityId) {
      throw err(
        'InvalidIdentityToken',
        `Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: ${randomUUID()}; Proxy: null)`,
      );
    }
    const now = ctx.now.getTime();
    if (claims.notBefore && claims.notBefore.getTime() - NOT_BEFORE_SKEW_MS > now)
      throw err('InvalidIdentityToken', 'SAML assertion is not yet valid');
    // An assertion issued too long ago is ExpiredTokenException with this wording
    // (Nike-Inc/gimme-aws-creds#251); one past its own NotOnOrAfter is not a valid assertion.
    if (claims.issueInstant && now - claims.issueInstant.getTime() > REDEEM_WITHIN_MS)
      throw err('ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance');
    for (const until of [claims.notOnOrAfter, claims.subjectNotOnOrAfter]) {
      if (until && until.getTime() <= now)
        throw err('InvalidIdentityToken', 'Invalid SAML response: the assertion is past its NotOnOrAfter');
    }
    const audience = claims.audiences.find((a) => AWS_AUDIENCES.test(a));
    if (!audience) throw err('InvalidIdentityToken', 'Response does not contain the required audience.');
    const pairs = claims.roles.map((v) => v.split(',').map((x) => x.trim()));
    if (!pairs.some((p) => p.length === 2 && p.includes(input.RoleArn) && p.includes(input.PrincipalArn))) {
      throw err('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
    }
    if (!claims.sessionName)
      throw err('InvalidIdentityToken', 'RoleSessionName is required in AuthnResponse');
    if (!NAME.test(claims.sessionName))
      throw err('InvalidIdentityToken', `RoleSessionName in AuthnResponse must match ${NAME_PATTERN}`);
    // The pattern has no ':', so it refuses an aws: prefix too.
    if (claims.sourceIdentity !== undefined && !NAME.test(claims.sourceIdentity)) {
      throw err(
        'InvalidIdentityToken',
        `Source Identity must match ${NAME_PATTERN} and not begin with "aws:"`,
      );
    }

    const role = await source.role(input.RoleArn);
    if (!role || role.accountId !== accountId)
      throw err('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
    let duration = roleDuration(input.DurationSeconds, role, false);
    if (
      claims.sessionDuration &&
      Number.isInteger(claims.sessionDuration) &&
      input.DurationSeconds === undefined
    ) {
      duration = Math.min(Math.max(claims.sessionDuration, 900), role.maxSessionDuration);
    }
    checkSessionPolicy(input.Policy);
    const policyArns = checkPolicyArns(input.PolicyArns);
    const tagList = Object.entries(claims.principalTags).map(([Key, Value]) => ({ Key, Value }));
    const tags = sessionTags(tagList, claims.transitiveTagKeys, {}, []);

    const subjectType = subjectTypeOf(claims.nameIdFormat);
    const nameQualifier = createHash('sha1')
      .update(`${claims.issuer}${accountId}/${provider.name}`)
      .digest('base64');
    const caller: Principal = {
      type: 'SAMLUser',
      accountId,
      arn: `${input.PrincipalArn}/${claims.nameId}`,
      userId: `${input.PrincipalArn}:${claims.nameId}`,
    };
    const actions = ['sts:AssumeRoleWithSAML'];
    if (tagList.length) actions.push('sts:TagSession');
    if (claims.sourceIdentity) actions.push('sts:SetSourceIdentity');
    checkTrust({
      principal: caller,
      role,
      actions,
      ctx,
      federatedProvider: input.PrincipalArn,
      context: {
        'saml:aud': audience,
        'saml:iss': claims.issuer,
        'saml:sub': claims.nameId,
        'saml:sub_type': subjectType,
        'saml:namequalifier': nameQualifier,
        'saml:doc': `${accountId}/${provider.name}`,
        ...(claims.sourceIdentity && { 'sts:SourceIdentity': claims.sourceIdentity }),
        ...Object.fromEntries(tagList.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
        ...(tagList.length && { 'aws:TagKeys': tagList.map((t) => t.Key) }),
      },
    });

    const session = roleSession({
      role,
      sessionName: claims.sessionName,
      tags: tags.tags,
      transitive: tags.transitive,
      policy: input.Policy,
      policyArns,
      sourceIdentity: claims.sourceIdentity,
      chained: false,
    });
    // Refused (PackedPolicyTooLarge) before anything is issued.
    const packed = packedPolicySize(input.Policy, policyArns, tagList);
    const Credentials = await issueCredentials(s, accountId, session.data, ctx.now, duration);
    await noteRoleUse(s, accountId, role.name, ctx);
    return {
      Credentials,
      AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
      PackedPolicySize: packed,
      Subject: claims.nameId,
      SubjectType: subjectType,
      Issuer: claims.issuer,
      Audience: audience,
      NameQualifier: nameQualifier,
      ...(claims.sourceIdentity && { SourceIdentity: claims.sourceIdentity }),
    };
  };
}
