// A small contract and records for the consumer factories' tests.
import * as z from 'zod/mini';
import { defineEvent } from '../../src/contracts/event';
import { defineStream } from '../../src/contracts/stream';
import { streamRecord } from '../../src/testing/lambda-events';

export const itemStream = defineStream({
  name: 'test table',
  version: 1,
  owner: 'tests',
  covers: (image) => image.entity === 'item',
  image: z.object({ entity: z.literal('item'), id: z.string(), title: z.string(), version: z.number(), correlationId: z.optional(z.string()) }),
});

/** The same items on a KEYS_ONLY stream: the contract reads the key. */
export const itemKeyStream = defineStream({
  name: 'test table keys',
  version: 1,
  owner: 'tests',
  view: 'KEYS_ONLY',
  covers: (key) => typeof key.pk === 'string' && key.pk.startsWith('ITEM#'),
  image: z.object({ pk: z.string().check(z.regex(/^ITEM#\w+$/)) }),
});

export function itemRecord(seq: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'MODIFY', title = seq) {
  const item = { entity: 'item', id: `i${seq}`, title, version: 2 };
  return streamRecord(seq, eventName, {
    keys: { pk: item.id },
    ...(eventName === 'REMOVE' ? {} : { newItem: item }),
    ...(eventName === 'INSERT' ? {} : { oldItem: { ...item, title: 'old', version: 1 } }),
  });
}

export const photoReady = defineEvent({ type: 'photo.ready', version: 1, topic: 'media-events', producer: 'tests', data: z.object({ key: z.string() }) });

export function envelope(id: string, data: unknown, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, type: 'photo.ready', version: 1, source: 'tests', occurredAt: '2026-11-28T09:00:00.000Z', correlationId: `corr-${id}`, data, ...overrides });
}
