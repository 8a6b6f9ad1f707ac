import { AppError } from '@photonotes/shared/errors';

/** The AppError a promise rejects with; a resolution or any other rejection fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => new Error('expected a rejection, got a resolution'),
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}
