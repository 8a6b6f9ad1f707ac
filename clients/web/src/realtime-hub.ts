// The page's one realtime channel, shared by every screen: screens add listeners for the messages they care
// about (inbox items, thing state, telemetry) and name the things they want telemetry for. The channel itself is
// opened by `openOfflineNotes` and attached here; listeners and subscriptions outlive a reconnect or a late attach.
import type { Realtime, RealtimeMessage } from '@photonotes/client';

export type RealtimeListener = (message: RealtimeMessage) => void;

export interface RealtimeHub {
  /** Calls `listener` with every message the server sends; returns the function that removes it. */
  listen(listener: RealtimeListener): () => void;
  /**
   * Asks for the telemetry of `things` (the caller's own, at most 20 in all) until the returned function is
   * called. Subscriptions from several screens are combined into the one set the channel sends.
   */
  watchThings(things: string[]): () => void;
  /** Hands a message to every listener (the channel's `onMessage`). */
  emit(message: RealtimeMessage): void;
  /**
   * Calls `listener` when messages may have been missed (a reconnect, a gap in `seq`), so a screen reads its
   * data again; returns the function that removes it.
   */
  onResync(listener: () => void): () => void;
  /** The channel reconnected or saw a gap (the channel's `onOpen` after the first, and `onGap`). */
  resync(): void;
  /** The channel to send subscriptions on; `null` when it closed. */
  attach(channel: Pick<Realtime, 'subscribe'> | null): void;
}

/** The contract's limit of things one connection subscribes to. */
export const maxSubscribedThings = 20;

export function createRealtimeHub(): RealtimeHub {
  const listeners = new Set<RealtimeListener>();
  const resyncs = new Set<() => void>();
  const watches = new Map<number, string[]>();
  let nextWatch = 0;
  let channel: Pick<Realtime, 'subscribe'> | null = null;

  const wanted = (): string[] => [...new Set([...watches.values()].flat())].slice(0, maxSubscribedThings);
  const send = () => channel?.subscribe(wanted());

  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchThings(things) {
      const id = (nextWatch += 1);
      watches.set(id, [...things]);
      send();
      return () => {
        if (watches.delete(id)) send();
      };
    },
    emit(message) {
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch {
          // One screen's failure does not keep the message from the others.
        }
      }
    },
    onResync(listener) {
      resyncs.add(listener);
      return () => resyncs.delete(listener);
    },
    resync() {
      for (const listener of [...resyncs]) {
        try {
          listener();
        } catch {
          // As for messages: the others still hear it.
        }
      }
    },
    attach(next) {
      channel = next;
      if (wanted().length > 0) send();
    },
  };
}
