// What travels from the API (and the server-event consumers) through the buffer table to processEvents: one
// accepted batch, its common fields once, and the archive row each event becomes.
import type { EventInput, Platform } from './event-input';

export interface AcceptedBatch {
  /** Random per request: two requests are two batches, whatever they carry (event ids dedupe later). */
  batchId: string;
  /** The server's receive time (ISO-8601), the clock `at` was judged against. */
  receivedAt: string;
  /** null for server events. */
  installId: string | null;
  /** actors.ts: the user's pseudonym, or the install's when no user is known. */
  actor: string;
  platform: Platform | null;
  appVersion: string | null;
  events: EventInput[];
}

/** One event as the raw archive and SQL see it (Athena's and DuckDB's columns, API.md). */
export interface EventRow {
  id: string;
  type: string;
  at: string;
  received_at: string;
  install_id: string | null;
  actor: string;
  session_id: string | null;
  platform: Platform | null;
  app_version: string | null;
  attributes: Record<string, string>;
  metrics: Record<string, number>;
}

export function rowsOf(batch: AcceptedBatch): EventRow[] {
  return batch.events.map((event) => ({
    id: event.id,
    type: event.type,
    at: event.at,
    received_at: batch.receivedAt,
    install_id: batch.installId,
    actor: batch.actor,
    session_id: event.sessionId,
    platform: batch.platform,
    app_version: batch.appVersion,
    attributes: event.attributes,
    metrics: event.metrics,
  }));
}

/** Server events (`server.*`) are recorded by the backend; the rest come from apps. */
export function isServerEvent(type: string): boolean {
  return type.startsWith('server.');
}
