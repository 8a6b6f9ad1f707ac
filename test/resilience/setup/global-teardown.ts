// Stops the fault control server and the resilience platform, and removes its emulator data.
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__FAULT_CONTROL__?.close();
  globalThis.__FAULT_CONTROL__ = undefined;
  await globalThis.__PLATFORM__?.stop();
  globalThis.__PLATFORM__ = undefined;
  if (globalThis.__RESILIENCE_DATA_DIR__) rmSync(globalThis.__RESILIENCE_DATA_DIR__, { recursive: true, force: true });
  globalThis.__RESILIENCE_DATA_DIR__ = undefined;
}
