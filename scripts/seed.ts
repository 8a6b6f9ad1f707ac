// `npm run seed` (or `npm run dev -- --seed`): demo data for the local stage, through the public API only, so it
// exercises what an app does. Idempotent: accounts are signed up or logged in, notes have fixed ids and are
// created only when missing, a device token registers once, and so does Alice's thermostat (its MQTT credentials
// go to .local/seed/thermostat.json for `npm run things:simulate`). To seed what a new service owns, add a step to
// `seedSteps` below that uses `ctx.as(<account>)`. The one step outside the API is group membership (the admin
// account): no route grants a role, so, as an operator would with `aws cognito-idp admin-add-user-to-group`, the
// seed adds the account to its groups in the local Cognito before it signs in.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { nameUuid } from '@photonotes/shared/name-uuid';
import { createClient, createSession, isApiError, type Client, type Note } from '@photonotes/client';
import { emulatorPorts, portOffset } from './config/ports.cjs';
import { demoAccounts, describeDemoAccount, type DemoAccount } from './demo-accounts';
import { addUserToLocalGroup, findLocalUserPool, type LocalUserPool } from './platform/emulators';
import { repoRoot } from './platform/service-definitions';
import { parseCredentials } from './things/credentials';

export { demoAccounts, describeDemoAccount, type DemoAccount } from './demo-accounts';

interface SeedContext {
  baseUrl: string;
  /** Where the demo thermostat's credentials are written (they are shown once by the API). */
  thermostatFile: string;
  /** A signed-in client and user id per demo account. */
  as(key: DemoAccount['key']): { api: Client; userId: string };
  log(line: string): void;
}

interface DemoNote {
  id: string;
  owner: DemoAccount['key'];
  title: string;
  body: string;
  tags: string[];
  visibility: 'private' | 'public';
  shareWith: Array<DemoAccount['key']>;
  /** Colours of the generated photo. */
  photo: [string, string];
}

// Fixed ids make re-running the seed a no-op for notes that exist.
const demoNotes: DemoNote[] = [
  { id: '5eed0000-0000-4000-8000-000000000001', owner: 'alice', title: 'Harbour at dawn', body: 'Fishing boats coming in before the market opens.', tags: ['harbour', 'morning'], visibility: 'private', shareWith: [], photo: ['#0b3d91', '#f5a623'] },
  { id: '5eed0000-0000-4000-8000-000000000002', owner: 'alice', title: 'Trail to the lighthouse', body: 'Shared with Bob: the path we talked about, 40 minutes each way.', tags: ['hiking'], visibility: 'private', shareWith: ['bob'], photo: ['#1b5e20', '#c5e1a5'] },
  { id: '5eed0000-0000-4000-8000-000000000003', owner: 'alice', title: 'Open-air market', body: 'Public: anyone signed in can read this one and find it by searching "market".', tags: ['market', 'city'], visibility: 'public', shareWith: [], photo: ['#b71c1c', '#ffcc80'] },
  { id: '5eed0000-0000-4000-8000-000000000004', owner: 'bob', title: 'Bike repair checklist', body: 'Chain, brakes, tyre pressure.', tags: ['bike'], visibility: 'private', shareWith: [], photo: ['#263238', '#90a4ae'] },
];

/** A real JPEG (a landscape-ish gradient with a sun), so thumbnails are produced by the real pipeline. */
export async function demoPhoto([sky, sun]: [string, string]): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky}"/><stop offset="1" stop-color="#ffffff"/></linearGradient></defs>
    <rect width="1600" height="1200" fill="url(#g)"/><circle cx="1150" cy="420" r="180" fill="${sun}"/>
    <path d="M0 900 L400 600 L800 880 L1200 650 L1600 900 L1600 1200 L0 1200 Z" fill="#37474f" opacity="0.85"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

/** Signs the account up (or finds it there), adds it to its groups, then logs in, so its tokens carry the groups. */
async function signIn(baseUrl: string, account: DemoAccount, userPool: () => Promise<LocalUserPool>): Promise<{ api: Client; userId: string }> {
  const anonymous = createClient({ baseUrl });
  try {
    await anonymous.post('/auth/signup', { body: { email: account.email, password: account.password, displayName: account.displayName } });
  } catch (error) {
    if (!(isApiError(error) && error.status === 409)) throw error;
  }
  for (const group of account.groups ?? []) await addUserToLocalGroup(await userPool(), account.email, group);
  const session = createSession({ baseUrl });
  await session.logIn(account.email, account.password);
  const me = await session.api.get('/users/me');
  return { api: session.api, userId: me.userId };
}

/** The running local stage's Cognito: COGNITO_PORT, or the port of the stage's PHOTONOTES_PORT_OFFSET (as `npm run dev`). */
export function localCognitoEndpoint(env = process.env): string {
  return `http://127.0.0.1:${env.COGNITO_PORT || emulatorPorts(portOffset(env)).cognito}`;
}

async function uploadPhoto(api: Client, colours: [string, string]): Promise<string> {
  const bytes = await demoPhoto(colours);
  const upload = await api.post('/media/uploads', { body: { contentType: 'image/jpeg', size: bytes.length } });
  const put = await fetch(upload.uploadUrl, { method: 'PUT', headers: upload.headers, body: bytes });
  if (!put.ok) throw new Error(`photo upload answered ${put.status}`);
  return upload.key;
}

async function waitForPhoto(api: Client, id: string, deadlineMs = 30_000): Promise<Note> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const note = await api.get('/notes/{id}', { params: { id } });
    if (note.photo?.status !== 'pending' || Date.now() > until) return note;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Sharees must be users core-api knows, and it learns of a sign-up from user.signed_up a moment after the sign-up
 * answered: a create refused for an unknown sharee is tried again for a while (the same id: a replay is harmless).
 */
async function whenShareesKnown<T>(create: () => Promise<T>, deadlineMs = 20_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await create();
    } catch (error) {
      const unknownSharee = isApiError(error) && error.status === 400 && (error.details ?? []).some((issue) => (issue as { code?: unknown }).code === 'unknown_user');
      if (!unknownSharee) throw error;
      if (Date.now() > until) {
        throw new Error('core-api does not know a demo account: if the local data predates the known-users projection, run `npm run backfill:known-users`', { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function seedNotes(ctx: SeedContext): Promise<void> {
  for (const demo of demoNotes) {
    const { api } = ctx.as(demo.owner);
    const existing = await api.get('/notes/{id}', { params: { id: demo.id } }).catch((error: unknown) => {
      if (isApiError(error) && error.status === 404) return null;
      throw error;
    });
    if (existing) {
      ctx.log(`note "${demo.title}" already there`);
      continue;
    }
    const photoKey = await uploadPhoto(api, demo.photo);
    const body = { id: demo.id, title: demo.title, body: demo.body, tags: demo.tags, visibility: demo.visibility, sharedWith: demo.shareWith.map((key) => ctx.as(key).userId), photoKey };
    await whenShareesKnown(() => api.post('/notes', { body }));
    const note = await waitForPhoto(api, demo.id);
    ctx.log(`note "${demo.title}" (${demo.visibility}${demo.shareWith.length ? `, shared with ${demo.shareWith.join(', ')}` : ''}) photo ${note.photo?.status ?? 'none'}`);
  }
}

async function seedDevices(ctx: SeedContext): Promise<void> {
  const { api } = ctx.as('alice');
  // Registering the same token again is idempotent (200 with the same device).
  // An FCM registration token's shape (100..300 characters); the local stage records pushes in an outbox.
  const token = `demo-alice:${'APA91b'.repeat(20)}`;
  const device = await api.post('/devices', { body: { platform: 'android', token, appVersion: '1.0.0' } });
  ctx.log(`device ${device.deviceId} (android) for alice`);
}

export const demoThermostat = { name: 'Living room thermostat', attributes: { model: 'photonotes-sim-thermostat', room: 'living room' } } as const;

/** The default place of the demo thermostat's credentials: gitignored, wiped with the data by `npm run dev:reset`. */
export const defaultThermostatFile = () => path.join(process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local'), 'seed', 'thermostat.json');

/** The client id in an existing credentials file, or null when there is none (or it is not one). */
function credentialsFileClientId(file: string): string | null {
  if (!existsSync(file)) return null;
  try {
    return parseCredentials(readFileSync(file, 'utf8'), file)[0]?.credentials.clientId ?? null;
  } catch {
    return null;
  }
}

/**
 * One thermostat for Alice, registered once. Its password is shown only when issued, so the credentials go to a
 * file that `npm run things:simulate -- --credentials <file>` reads; when the thing exists but the file does not
 * hold its credentials (deleted, or from another data set), the credentials are rotated and written again.
 */
async function seedThermostat(ctx: SeedContext): Promise<void> {
  const { api } = ctx.as('alice');
  let existing: string | null = null;
  for await (const thing of api.paginate('/things', { query: { limit: 100 } })) {
    if (thing.name === demoThermostat.name) existing = thing.thingId;
  }
  const shown = path.relative(process.cwd(), ctx.thermostatFile) || ctx.thermostatFile;
  if (existing && credentialsFileClientId(ctx.thermostatFile) === existing) {
    ctx.log(`thing "${demoThermostat.name}" already there (credentials in ${shown})`);
    return;
  }
  const issued = existing
    ? { thing: { thingId: existing, name: demoThermostat.name }, credentials: (await api.post('/things/{thingId}/credentials', { params: { thingId: existing } })).credentials }
    : await api.post('/things', { body: { name: demoThermostat.name, attributes: { ...demoThermostat.attributes } } });
  mkdirSync(path.dirname(ctx.thermostatFile), { recursive: true });
  const document = { thing: { thingId: issued.thing.thingId, name: issued.thing.name }, credentials: issued.credentials };
  writeFileSync(ctx.thermostatFile, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  ctx.log(`thing "${demoThermostat.name}" ${existing ? 'credentials rotated' : 'registered'} for alice; credentials in ${shown}`);
}

/** A name-based UUID: the same demo event gets the same id on every run of the seed. */
function demoEventId(name: string): string {
  return nameUuid(`photonotes-seed:${name}`);
}

/** The seed's app events cover today and the days before it; the analytics integration tests keep to older days. */
const seedAnalyticsDays = 7;

/**
 * A week of app events for the admin's reads: alice and bob signed in on their phones, and three installs that
 * never signed in, each with sessions, screen views and a few photos on the days it was used. Ids are derived from
 * (install, day, n), so a second run on the same day adds nothing (the service counts an id once for 7 days).
 */
async function seedAnalytics(ctx: SeedContext): Promise<void> {
  const dayMs = 86_400_000;
  const today = Math.floor(Date.now() / dayMs) * dayMs;
  const installs: Array<{ name: string; account: DemoAccount['key'] | null; platform: 'ios' | 'android' | 'web'; every: number }> = [
    { name: 'alice-phone', account: 'alice', platform: 'ios', every: 1 },
    { name: 'bob-phone', account: 'bob', platform: 'android', every: 2 },
    { name: 'guest-1', account: null, platform: 'android', every: 3 },
    { name: 'guest-2', account: null, platform: 'web', every: 5 },
    { name: 'guest-3', account: null, platform: 'ios', every: 7 },
  ];
  let accepted = 0;
  for (const install of installs) {
    const installId = demoEventId(`install:${install.name}`);
    type AppEvent = { id: string; type: string; at: string; sessionId: string; attributes?: Record<string, string>; metrics?: Record<string, number> };
    const events: AppEvent[] = [];
    for (let daysAgo = seedAnalyticsDays - 1; daysAgo >= 0; daysAgo -= install.every) {
      const start = today - daysAgo * dayMs + 8 * 3600_000;
      if (start > Date.now()) continue;
      const id = (n: number) => demoEventId(`${install.name}:${new Date(start).toISOString().slice(0, 10)}:${n}`);
      const sessionId = id(0);
      const at = (minutes: number) => new Date(Math.min(start + minutes * 60_000, Date.now())).toISOString();
      const screens = ['home', 'notes', 'camera', 'note', 'home'];
      events.push(
        { id: id(1), type: '_session.start', at: at(0), sessionId },
        ...screens.map((screen, n) => ({ id: id(10 + n), type: '_screen.view', at: at(n + 1), sessionId, attributes: { screen }, metrics: { ms: 120 + 40 * n } })),
        ...(daysAgo % 2 === 0 ? [{ id: id(30), type: 'photo_taken', at: at(7), sessionId, attributes: { source: 'camera' }, metrics: { megapixels: 12 } }] : []),
        { id: id(2), type: '_session.stop', at: at(9), sessionId, metrics: { seconds: 540 } },
      );
    }
    // As an app that was offline would: its backlog in batches of at most 100, one after the other.
    const client = install.account ? ctx.as(install.account).api : createClient({ baseUrl: ctx.baseUrl });
    for (let from = 0; from < events.length; from += 100) {
      const answer = await client.post('/analytics/events', { body: { installId, platform: install.platform, appVersion: '1.0.0', events: events.slice(from, from + 100) } });
      accepted += answer.accepted;
    }
  }
  ctx.log(`analytics: ${accepted} events of ${seedAnalyticsDays} days from 5 installs (admin@example.com reads them at GET /analytics/summary)`);
}

/** What the seed creates, in order. A new service adds its step here. */
const seedSteps: Array<(ctx: SeedContext) => Promise<void>> = [seedNotes, seedDevices, seedThermostat, seedAnalytics];

export interface SeedOptions {
  baseUrl: string;
  log?: (line: string) => void;
  thermostatFile?: string;
  /** The stage's user pool, for the admin account's group; default: the one on localCognitoEndpoint(). */
  userPool?: LocalUserPool;
}

export async function seed(options: SeedOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  let userPool: Promise<LocalUserPool> | undefined = options.userPool ? Promise.resolve(options.userPool) : undefined;
  const findUserPool = () => (userPool ??= findLocalUserPool(localCognitoEndpoint()));
  const signedIn = new Map<DemoAccount['key'], { api: Client; userId: string }>();
  for (const account of demoAccounts) {
    signedIn.set(account.key, await signIn(options.baseUrl, account, findUserPool));
    log(`account ${describeDemoAccount(account)}`);
  }
  const ctx: SeedContext = {
    baseUrl: options.baseUrl,
    thermostatFile: options.thermostatFile ?? defaultThermostatFile(),
    as(key) {
      const found = signedIn.get(key);
      if (!found) throw new Error(`no demo account ${key}`);
      return found;
    },
    log,
  };
  for (const step of seedSteps) await step(ctx);
}

if (require.main === module) {
  // The ports `npm run dev` took: .env's overrides too (real environment variables win).
  const envFile = path.join(repoRoot, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const baseUrl = process.env.API_BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  seed({ baseUrl })
    .then(() => {
      console.log(`Seeded ${baseUrl}. Sign in as ${demoAccounts.map(describeDemoAccount).join(' or ')}.`);
      console.log(`Run Alice's thermostat: npm run things:simulate -- --credentials ${path.relative(process.cwd(), defaultThermostatFile())}`);
    })
    .catch((error: unknown) => {
      const reason = isApiError(error) ? `${error.status} ${error.code}: ${error.message} ${JSON.stringify(error.details ?? [])}` : error instanceof Error ? error.message : String(error);
      console.error(`npm run seed failed: ${reason}. Is \`npm run dev\` running on ${baseUrl}?`);
      process.exit(1);
    });
}
