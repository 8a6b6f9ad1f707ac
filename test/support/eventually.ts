// Polling for asynchronous effects (streams, SNS consumers) with a deadline instead of a fixed sleep.

/** Polls until `check` passes or the deadline passes; returns the last value either way, for the assertion. */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}
