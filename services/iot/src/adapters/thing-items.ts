// The stored shape of the registry and device records and their mapping to domain types. Documents that
// may hold any key (attributes, state) are stored as JSON text: the document client's marshalling drops a
// "__proto__" key, and the service never queries inside them.
import type { CredentialRecord } from '../domain/credentials';
import type { PresenceState } from '../domain/presence';
import { noPresence } from '../domain/presence';
import type { Activity, StoredThing } from '../domain/thing';
import { entities, keys } from './keys';

export interface ThingItem {
  pk: string;
  sk: string;
  entity: typeof entities.thing;
  gsi1pk: string;
  gsi1sk: string;
  thingId: string;
  ownerId: string;
  name: string;
  attributesJson: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeviceItem {
  pk: string;
  sk: string;
  entity: typeof entities.device;
  thingId: string;
  ownerId: string;
  credGeneration: number;
  credVerifier: string;
  /** The rate windows (domain/rate-limit.ts): epoch second and messages admitted in it, for an even and an odd second. */
  rateEvenSecond?: number;
  rateEvenCount?: number;
  rateOddSecond?: number;
  rateOddCount?: number;
  lastMessageAt?: number;
  presence?: PresenceState;
  presenceRev?: number;
}

export function thingItem(thing: StoredThing): ThingItem {
  return {
    ...keys.thing(thing.thingId),
    entity: entities.thing,
    gsi1pk: keys.ownerThings(thing.ownerId),
    gsi1sk: keys.newestFirst(thing),
    thingId: thing.thingId,
    ownerId: thing.ownerId,
    name: thing.name,
    attributesJson: JSON.stringify(thing.attributes),
    createdAt: thing.createdAt,
    updatedAt: thing.updatedAt,
  };
}

export function fromThingItem(item: ThingItem): StoredThing {
  return {
    thingId: item.thingId,
    ownerId: item.ownerId,
    name: item.name,
    attributes: JSON.parse(item.attributesJson) as Record<string, string>,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export function deviceItem(thing: StoredThing, credential: CredentialRecord): DeviceItem {
  return {
    ...keys.device(thing.thingId),
    entity: entities.device,
    thingId: thing.thingId,
    ownerId: thing.ownerId,
    credGeneration: credential.generation,
    credVerifier: credential.verifier,
    presence: noPresence(),
    presenceRev: 0,
  };
}

export const credentialOf = (item: DeviceItem): CredentialRecord => ({ generation: item.credGeneration, verifier: item.credVerifier });

export const activityOf = (item: DeviceItem | undefined): Activity => ({
  presence: item?.presence ?? noPresence(),
  lastMessageAt: item?.lastMessageAt ?? null,
});
