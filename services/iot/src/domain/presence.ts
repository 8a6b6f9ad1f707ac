// Online/offline from the broker's lifecycle events, which may arrive late, twice or out of order.
// The thing is online when its newest session (by connect time, then session id) has not disconnected.
// A disconnect of an older session is ignored, so a device that reconnects (and whose old session is
// dropped a moment later, as a duplicate client id) stays online. A disconnect that arrives before its
// connect is kept as an orphan while its session might still turn out to be the newest; once a session
// connected after it, it cannot be, and is forgotten. The result after all events does not depend on
// their order or repetition.

export interface LifecycleEvent {
  type: 'connected' | 'disconnected';
  /** The connection's id (AWS: `sessionIdentifier`; the local broker: one per connection). */
  sessionId: string;
  /** When the broker saw it, epoch ms (the event's `timestamp`, not its arrival). */
  at: number;
}

export interface Session {
  sessionId: string;
  connectedAt: number;
  disconnectedAt: number | null;
}

export interface Orphan {
  sessionId: string;
  disconnectedAt: number;
}

export interface PresenceState {
  /** The newest session seen connecting. */
  current: Session | null;
  orphans: Orphan[];
}

/** Orphans kept at most; the latest disconnects are the ones that can still matter. */
export const maxOrphans = 16;

export const noPresence = (): PresenceState => ({ current: null, orphans: [] });

export const isOnline = (presence: PresenceState): boolean => presence.current !== null && presence.current.disconnectedAt === null;

export const lastConnectedAt = (presence: PresenceState): number | null => presence.current?.connectedAt ?? null;

/** True when session a connected after session b (ties broken by id, so every replica agrees). */
function newer(a: { sessionId: string; connectedAt: number }, b: { sessionId: string; connectedAt: number }): boolean {
  return a.connectedAt !== b.connectedAt ? a.connectedAt > b.connectedAt : a.sessionId > b.sessionId;
}

function withoutOrphan(orphans: Orphan[], sessionId: string): Orphan[] {
  return orphans.filter((orphan) => orphan.sessionId !== sessionId);
}

export function applyLifecycle(state: PresenceState, event: LifecycleEvent): PresenceState {
  const { current } = state;
  if (event.type === 'connected') {
    if (current?.sessionId === event.sessionId) return state;
    const candidate = { sessionId: event.sessionId, connectedAt: event.at };
    if (current && !newer(candidate, current)) {
      // An older session: its disconnect, if it came first, no longer matters either.
      return { current, orphans: withoutOrphan(state.orphans, event.sessionId) };
    }
    const orphan = state.orphans.find((item) => item.sessionId === event.sessionId);
    return {
      current: { ...candidate, disconnectedAt: orphan?.disconnectedAt ?? null },
      // A disconnect before this connect belongs to a session that connected earlier still.
      orphans: state.orphans.filter((item) => item.sessionId !== event.sessionId && item.disconnectedAt >= event.at),
    };
  }
  if (current?.sessionId === event.sessionId) {
    return current.disconnectedAt === null ? { current: { ...current, disconnectedAt: event.at }, orphans: state.orphans } : state;
  }
  // Ended before the newest session began: an older session.
  if (current && event.at < current.connectedAt) return state;
  if (state.orphans.some((item) => item.sessionId === event.sessionId)) return state;
  const orphans = [...state.orphans, { sessionId: event.sessionId, disconnectedAt: event.at }]
    .sort((a, b) => b.disconnectedAt - a.disconnectedAt || (a.sessionId < b.sessionId ? -1 : 1))
    .slice(0, maxOrphans);
  return { current, orphans };
}

export function samePresence(a: PresenceState, b: PresenceState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
