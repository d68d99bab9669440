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
