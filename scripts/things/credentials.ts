// Device credentials as the API hands them out (POST /things, POST /things/{thingId}/credentials), and the
// credentials files the simulator reads with --credentials: one credentials object, the registration answer
// `{ thing, credentials }` (what `npm run seed` writes), or an array of either, so a real device's
// credentials work as they were given.
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';

export interface DeviceCredentials {
  mqttUrl: string;
  clientId: string;
  username: string;
  password: string;
  topics: { telemetry: string; reported: string; desired: string };
}

/** A thing the simulator drives: its credentials and a name for the summary. */
export interface SimulatedThing {
  thingId: string;
  name: string;
  credentials: DeviceCredentials;
}

const text = z.string().check(z.minLength(1));
const credentials = z.object({
  mqttUrl: text.check(z.regex(/^mqtts?:\/\//, 'an mqtt:// or mqtts:// URL')),
  clientId: text,
  username: text,
  password: text,
  topics: z.object({ telemetry: text, reported: text, desired: text }),
});
const wrapped = z.object({ thing: z.optional(z.object({ thingId: z.optional(text), name: z.optional(text) })), credentials });

/** Reads a credentials file; a clear error names the file and the first thing wrong with it. */
export function loadCredentialsFile(path: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): SimulatedThing[] {
  let raw: string;
  try {
    raw = read(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseCredentials(raw, path);
}

export function parseCredentials(raw: string, source: string): SimulatedThing[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  const entries: unknown[] = Array.isArray(json) ? json : [json];
  if (entries.length === 0) throw new Error(`${source} holds an empty array; expected device credentials`);
  const things = entries.map((entry, index): SimulatedThing => {
    const isWrapped = typeof entry === 'object' && entry !== null && 'credentials' in entry;
    const result = isWrapped ? z.safeParse(wrapped, entry) : z.safeParse(credentials, entry);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = [...(Array.isArray(json) ? [`[${index}]`] : []), ...(issue?.path ?? []).map(String)].join('.') || 'the document';
      throw new Error(`${source} does not hold device credentials (${where}: ${issue?.message ?? 'invalid'}); expected the "credentials" object of POST /things, the whole answer, or an array of them`);
    }
    const data = result.data;
    const given = 'credentials' in data ? data.credentials : data;
    const thing = 'credentials' in data ? data.thing : undefined;
    return { thingId: thing?.thingId ?? given.clientId, name: thing?.name ?? given.clientId, credentials: given };
  });
  const ids = new Set<string>();
  for (const thing of things) {
    // A second connection with the same client id kicks the first (AWS IoT and the local twin alike).
    if (ids.has(thing.credentials.clientId)) throw new Error(`${source} lists client id ${thing.credentials.clientId} twice; each would disconnect the other`);
    ids.add(thing.credentials.clientId);
  }
  return things;
}
