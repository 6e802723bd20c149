/**
 * The error code a promise rejects with (`RESOURCE_CONFLICT`, …), `'no error'` when it
 * resolves, or `untyped: …` for an error without a code — so a contract test can assert
 * the typed error of a call in one `expect`.
 */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped: ${String(e)}`;
  }
  return 'no error';
}
