/** What a failed SDK call threw, in the fields tests compare (name, HTTP status, message). */
export async function errorOf(
  p: Promise<unknown>,
): Promise<{ name: string; status?: number; message: string; raw: any }> {
  try {
    await p;
  } catch (e: any) {
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, raw: e };
  }
  throw new Error('expected an error');
}

type ErrorFields = { name: string; status?: number; message: string };

/** Only the named fields of what a failed SDK call threw, for assertions that compare it whole. */
export async function errorFields<K extends keyof ErrorFields>(
  p: Promise<unknown>,
  ...fields: K[]
): Promise<Pick<ErrorFields, K>> {
  const e = await errorOf(p);
  const out = {} as Pick<ErrorFields, K>;
  for (const f of fields) out[f] = e[f];
  return out;
}

/** The error name (code) a failed SDK call threw. */
export const errorName = async (p: Promise<unknown>): Promise<string> => (await errorOf(p)).name;
