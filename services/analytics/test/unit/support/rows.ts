// Event rows as processEvents hands them to the aggregates, with what a test does not care about filled in.
import { randomUUID } from 'node:crypto';
import type { EventRow } from '../../../src/domain/batch';

export function row(fields: Partial<EventRow> & Pick<EventRow, 'type' | 'at' | 'actor'>): EventRow {
  return {
    id: randomUUID(),
    received_at: fields.at,
    install_id: null,
    session_id: null,
    platform: null,
    app_version: null,
    attributes: {},
    metrics: {},
    ...fields,
  };
}

/** An app event of `actor` at noon (UTC) of `day`. */
export function appEvent(actor: string, day: string, fields: Partial<EventRow> = {}): EventRow {
  return row({ type: 'photo.taken', at: `${day}T12:00:00.000Z`, actor, ...fields });
}
