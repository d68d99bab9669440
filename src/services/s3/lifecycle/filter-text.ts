/**
 * How S3 names a rule's filter inside its validation messages ("... for filter '(prefix=logs/)'").
 * Pure.
 *
 * Evidence: "(prefix=)" and "(prefix=/)" are quoted verbatim from S3 in many Terraform, CDK and
 * CloudFormation reports. The rendering of tags and sizes ("tag={key=k, value=v}",
 * "objectsizegreaterthan=N", joined by " and ") is NooBaa's, written against S3 in 2026
 * (noobaa-core #9969); no S3 capture of those forms has been found.
 */
import type { StoredRule } from './rules.ts';

export function filterText(r: Pick<StoredRule, 'Prefix' | 'Filter'>): string {
  if (r.Prefix !== undefined) return `(prefix=${r.Prefix})`;
  const f = r.Filter?.And ?? r.Filter;
  const parts: string[] = [];
  if (f?.Prefix !== undefined) parts.push(`prefix=${f.Prefix}`);
  const tags = r.Filter?.Tag ? [r.Filter.Tag] : (r.Filter?.And?.Tags ?? []);
  for (const t of tags) parts.push(`tag={key=${t.Key}, value=${t.Value}}`);
  if (f?.ObjectSizeGreaterThan !== undefined) parts.push(`objectsizegreaterthan=${f.ObjectSizeGreaterThan}`);
  if (f?.ObjectSizeLessThan !== undefined) parts.push(`objectsizelessthan=${f.ObjectSizeLessThan}`);
  // An empty filter applies to every key, as an empty prefix does.
  return parts.length ? `(${parts.join(' and ')})` : '(prefix=)';
}
