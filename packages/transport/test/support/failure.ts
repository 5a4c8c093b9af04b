import { TransportError } from '@zhima/core';

/** The TransportError a send rejected with; anything else (including success) fails the test. */
export async function failure(sending: Promise<unknown>): Promise<TransportError> {
  const error = await sending.then(
    () => new Error('expected the send to fail, it succeeded'),
    (thrown: unknown) => thrown,
  );
  if (!TransportError.isInstance(error)) throw new Error(`expected a TransportError, got ${String(error)}`);
  return error;
}
