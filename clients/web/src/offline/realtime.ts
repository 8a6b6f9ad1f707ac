// Wiring the realtime channel to the engine: `connectRealtime({ url, tokens, ...realtimeHandlers(engine) })`.
// Every (re)connection and every `seq` gap catches up through `/sync` from the saved cursor; a `note.changed`
// message is applied at once (upserts by version, so the catch-up bringing it again changes nothing).
import type { RealtimeMessage, RealtimeOptions } from '@photonotes/client';
import type { SyncEngine } from './engine';

export function realtimeHandlers(
  engine: Pick<SyncEngine, 'sync' | 'flush' | 'applyChanges'>,
  onMessage?: (message: RealtimeMessage) => void,
): Required<Pick<RealtimeOptions, 'onOpen' | 'onGap' | 'onMessage'>> {
  const catchUp = (): void => {
    void engine.sync().then(() => engine.flush());
  };
  return {
    onOpen: catchUp,
    onGap: catchUp,
    onMessage(message) {
      if (message.type === 'note.changed') void engine.applyChanges([message.change]);
      onMessage?.(message);
    },
  };
}
