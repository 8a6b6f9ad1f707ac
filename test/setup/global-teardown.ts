// Stops every process the global setup started and frees every port.
export default async function globalTeardown(): Promise<void> {
  await globalThis.__PLATFORM__?.stop();
  globalThis.__PLATFORM__ = undefined;
}
