/** Step: check the input against the model's constraints, answering as each protocol does. */
import { validateInput, validationError } from '../../protocol/validate.ts';
import type { RequestContext } from '../context.ts';

export function validate(ctx: RequestContext): void {
  const issues = validateInput(ctx.model!, ctx.operation!.name, ctx.input ?? {});
  if (issues.length) throw validationError(ctx.model!, issues);
}
