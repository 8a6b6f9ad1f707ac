// The things table's stream (iot owns the table; KEYS_ONLY). Its reader: iot's own telemetry purge
// (services/iot/src/functions/purge-deleted-things.ts); nothing outside iot reads it. The table holds several items per
// thing (registry record, device record, state, alert rules, series heads) and an owner count per user; only the
// registry record (`pk THING#<thingId>`, `sk THING`) is in this contract:
//   INSERT = a thing was registered, REMOVE = it was deleted (DELETE /things/{thingId}, or its owner's account
//   was deleted), MODIFY = renamed. A KEYS_ONLY record carries the key alone, so readers get the thing's id and
//   nothing else. The key layout is iot's (src/adapters/keys.ts); its unit tests hold the two together.
import * as z from 'zod/mini';
import { defineStream } from './stream';
import type { StreamChange } from './stream';

const thingPrefix = 'THING#';
const thingRecordSk = 'THING' as const;

const thingKey = z.pipe(
  z.object({
    pk: z.string().check(z.regex(/^THING#[^#]{1,64}$/)),
    sk: z.literal(thingRecordSk),
  }),
  z.transform(({ pk }: { pk: string; sk: typeof thingRecordSk }) => ({ thingId: pk.slice(thingPrefix.length) })),
);

export const thingsStream = defineStream({
  name: 'iot things table',
  version: 1,
  owner: 'iot',
  view: 'KEYS_ONLY',
  covers: (key) => key.sk === thingRecordSk && typeof key.pk === 'string' && key.pk.startsWith(thingPrefix),
  image: thingKey,
});

/** A thing record's key as readers get it. */
export type ThingKeyImage = z.output<typeof thingKey>;
export type ThingStreamChange = StreamChange<ThingKeyImage>;
