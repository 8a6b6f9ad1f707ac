// Browser glue, typed structurally so this module needs no DOM typings: the online signal (`navigator.onLine`
// and the window's online/offline events) and the Web Locks API (one tab flushes at a time). `navigator.onLine`
// can say true on a network that reaches nothing: a send that gets no answer then stays queued and is retried.
import type { OnlineSignal } from './engine';

export interface BrowserLike {
  navigator: { onLine: boolean };
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

export function browserOnlineSignal(browser: BrowserLike): OnlineSignal {
  return {
    isOnline: () => browser.navigator.onLine,
    subscribe(listener) {
      const up = (): void => listener(true);
      const down = (): void => listener(false);
      browser.addEventListener('online', up);
      browser.addEventListener('offline', down);
      return () => {
        browser.removeEventListener('online', up);
        browser.removeEventListener('offline', down);
      };
    },
  };
}

/** A signal the app (or a test) sets by hand. */
export function manualOnlineSignal(initial: boolean): OnlineSignal & { set(online: boolean): void } {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === online) return;
      online = next;
      for (const listener of listeners) listener(next);
    },
  };
}

/** The Web Locks API (`navigator.locks`), for `SyncEngineOptions.exclusive`: one tab flushes at a time. */
export interface LocksLike {
  locks: { request(name: string, callback: () => Promise<void>): Promise<unknown> };
}

export function webLock(navigator: LocksLike, name: string): (work: () => Promise<void>) => Promise<void> {
  return async (work) => {
    await navigator.locks.request(name, work);
  };
}
