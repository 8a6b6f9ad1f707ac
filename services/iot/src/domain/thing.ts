// A thing as its owner registered it, and the view apps get: the registry record plus what the device side
// knows (online, last seen). Limits from API.md "Things — IoT".
import type { PresenceState } from './presence';
import { isOnline, lastConnectedAt } from './presence';

export const thingLimits = {
  name: 80,
  attributes: 20,
  attributeValue: 200,
  perOwner: 50,
} as const;

export const attributeKeyPattern = /^[A-Za-z0-9_.-]{1,40}$/;

/** Thing ids are UUIDs issued by the service; they are the MQTT client id and part of every topic and key. */
const thingIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id in its stored form, or undefined when the text cannot be a thing id (then nothing is looked up). */
export function normaliseThingId(value: string): string | undefined {
  const id = value.toLowerCase();
  return thingIdPattern.test(id) ? id : undefined;
}

export interface StoredThing {
  thingId: string;
  ownerId: string;
  name: string;
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** What the device side of a thing contributes to its view. */
export interface Activity {
  presence: PresenceState;
  /** When the last admitted message arrived, epoch ms. */
  lastMessageAt: number | null;
}

export interface Thing {
  thingId: string;
  name: string;
  attributes: Record<string, string>;
  online: boolean;
  lastSeenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `lastSeenAt` is the later of the last message and the last connection. */
export function lastSeenAt(activity: Activity): string | null {
  const connected = lastConnectedAt(activity.presence);
  const candidates = [connected, activity.lastMessageAt].filter((at): at is number => at !== null);
  return candidates.length === 0 ? null : new Date(Math.max(...candidates)).toISOString();
}

export function toThing(thing: StoredThing, activity: Activity): Thing {
  return {
    thingId: thing.thingId,
    name: thing.name,
    attributes: { ...thing.attributes },
    online: isOnline(activity.presence),
    lastSeenAt: lastSeenAt(activity),
    createdAt: thing.createdAt,
    updatedAt: thing.updatedAt,
  };
}
