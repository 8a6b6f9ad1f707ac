// The other half of `eventually`: that something does NOT happen (a second alert, a spurious one) can only be
// seen by watching for a while. Polls for the whole window and returns the first value that fails the check.

export async function consistently<T>(probe: () => Promise<T>, check: (value: T) => boolean, windowMs: number): Promise<T> {
  const deadline = Date.now() + windowMs;
  let last = await probe();
  while (check(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}
