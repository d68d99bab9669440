/** Step: check the input against the model's constraints, answering as each protocol does. */
import { validateInput, validationError } from '../../protocol/validate.ts';
import type { RequestContext } from '../context.ts';

export function validate(ctx: RequestContext): void {
  const model = ctx.model!;
  // Synthetic operations (S3's browser-form PostObject) are not in the model: their handler checks.
  if (!model.operations[ctx.operation!.name]) return;
  const issues = validateInput(model, ctx.operation!.name, ctx.input ?? {});
  if (issues.length) throw validationError(model, issues);
}
