/** STS handlers. */
import type { ServiceHandlers } from '../handler.ts';
import { GetCallerIdentity } from './caller-identity.ts';

export function stsHandlers(): ServiceHandlers {
  return { GetCallerIdentity };
}
