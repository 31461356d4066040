/** The error `act` ends with, whether it throws synchronously or rejects; fails the test if it succeeds. */
export async function failureOf(act: () => Promise<unknown>): Promise<Error> {
  try {
    await act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but the call succeeded');
}
