// The simulator's things, through the public API as an app would: sign in, find the things named
// `<prefix>-1..n`, register the missing ones and rotate the credentials of the others (passwords are shown
// only once, so a reused thing needs new ones; a device still using the old ones is disconnected).
import { createSession, isApiError, type Client } from '@photonotes/client';
import type { SimulatedThing } from './credentials';

export const simulatorAttributes = { model: 'photonotes-sim-thermostat', source: 'things:simulate' } as const;

export const simulatedName = (prefix: string, index: number) => `${prefix}-${index}`;

export async function signIn(baseUrl: string, email: string, password: string): Promise<Client> {
  const session = createSession({ baseUrl });
  try {
    await session.logIn(email, password);
  } catch (error) {
    if (isApiError(error) && error.status === 401) throw new Error(`signing in as ${email} failed: wrong email or password (the demo user exists after \`npm run seed\`)`);
    if (isApiError(error) && error.status === 0) throw new Error(`no answer from ${baseUrl}: is \`npm run dev\` running? (${error.message})`);
    throw error;
  }
  return session.api;
}

export interface ProvisionResult {
  things: SimulatedThing[];
  registered: number;
  reused: number;
}

export async function provisionThings(api: Client, options: { count: number; prefix: string }): Promise<ProvisionResult> {
  const wanted = Array.from({ length: options.count }, (_, i) => simulatedName(options.prefix, i + 1));
  const existing = new Map<string, string>();
  for await (const thing of api.paginate('/things', { query: { limit: 100 } })) {
    if (wanted.includes(thing.name) && !existing.has(thing.name)) existing.set(thing.name, thing.thingId);
  }
  const things: SimulatedThing[] = [];
  let registered = 0;
  for (const name of wanted) {
    const thingId = existing.get(name);
    if (thingId) {
      const rotated = await api.post('/things/{thingId}/credentials', { params: { thingId } });
      things.push({ thingId, name, credentials: rotated.credentials });
      continue;
    }
    try {
      const created = await api.post('/things', { body: { name, attributes: { ...simulatorAttributes } } });
      things.push({ thingId: created.thing.thingId, name, credentials: created.credentials });
      registered += 1;
    } catch (error) {
      if (isApiError(error) && error.status === 409) {
        throw new Error(`registering ${name} refused: the account owns 50 things already; delete some or use fewer --things (${things.length} ready)`);
      }
      throw error;
    }
  }
  return { things, registered, reused: things.length - registered };
}
