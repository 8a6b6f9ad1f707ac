// Bounds on concurrent work in the local platform: serverless-offline starts a worker (its own heap, the handler
// loaded again) for every concurrent invocation of a function, so every path into it queues instead.

/** A FIFO gate: at most `limit` holders at a time. */
export function admissionGate(limit: number): { enter(): Promise<() => void>; readonly waiting: number } {
  let active = 0;
  const queue: Array<() => void> = [];
  const release = () => {
    active--;
    const next = queue.shift();
    if (next) {
      active++;
      next();
    }
  };
  return {
    enter() {
      let released = false;
      const once = () => {
        if (!released) {
          released = true;
          release();
        }
      };
      if (active < limit) {
        active++;
        return Promise.resolve(once);
      }
      return new Promise((resolve) => queue.push(() => resolve(once)));
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** Runs at most `max` tasks at once; the others wait in arrival order (a finishing task hands its slot on). */
export function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  const gate = admissionGate(max);
  return async (task) => {
    const leave = await gate.enter();
    try {
      return await task();
    } finally {
      leave();
    }
  };
}
