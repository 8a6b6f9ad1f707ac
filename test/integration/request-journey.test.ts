// A request followed across services: the id a PATCH answers with (x-request-id) is on core-api's access line and on
// the lines of the consumers its change reaches (search's notes-stream indexer, notifications' note-events
// consumer); the id of POST /media/uploads is on the S3-triggered processing of the upload and on notifications'
// media.processed lines. Found with `npm run logs`'s own reader (scripts/platform/log-journey.ts) in the test
// platform's log.
import { solidPng } from '../../services/thumbnails/test/support/images';
import { api } from '../support/api';
import { eventually } from '../support/eventually';
import { createTestUser } from '../support/users';
import type { TestUser } from '../support/users';
import { readJourney } from '../../scripts/platform/log-journey';
import type { LogLine } from '../../scripts/platform/log-journey';

jest.setTimeout(60_000);

function logFile(): string {
  const file = process.env.TEST_PLATFORM_LOG_FILE;
  if (!file) throw new Error('TEST_PLATFORM_LOG_FILE is not set: integration tests run through the jest global setup');
  return file;
}

const servicesOf = (lines: LogLine[]) => new Set(lines.map((line) => line.entry?.service));

let alice: TestUser;

beforeAll(async () => {
  alice = await createTestUser('journey');
});

test("a PATCH's request id appears in core-api's, search's and notifications' log lines", async () => {
  // Prepare
  const created = await api<{ id: string }>('/notes', { method: 'POST', token: alice.accessToken, body: { title: 'Journey', body: 'first words' } });
  expect(created.status).toBe(201);

  // Act
  const patched = await api(`/notes/${created.body.id}`, { method: 'PATCH', token: alice.accessToken, body: { body: 'second words' }, headers: { 'if-match': '"1"' } });
  const requestId = patched.headers.get('x-request-id') ?? '';
  // The indexer and the notifications consumer work asynchronously (the contract: within 5 s); polled generously.
  const lines = await eventually(
    async () => readJourney([logFile()], { requestId }),
    (found) => ['core-api', 'search', 'notifications'].every((service) => servicesOf(found).has(service)),
    20_000,
  );

  // Assess
  expect(patched.status).toBe(200);
  expect(requestId).not.toBe('');
  expect([...servicesOf(lines)]).toEqual(expect.arrayContaining(['core-api', 'search', 'notifications']));
  const access = lines.filter((line) => line.entry?.message === 'request');
  expect(access.map((line) => line.entry)).toEqual([
    expect.objectContaining({ service: 'core-api', level: 'info', method: 'PATCH', route: 'PATCH /notes/{id}', status: 200, userId: alice.userId, requestId, durationMs: expect.any(Number), functionRequestId: expect.any(String) }),
  ]);
  expect(lines.find((line) => line.entry?.service === 'search')?.entry).toMatchObject({ message: 'Record applied', noteId: created.body.id, correlationId: requestId });
  expect(lines.find((line) => line.entry?.service === 'notifications')?.entry).toMatchObject({ correlationId: requestId });
  expect(lines.map((line) => line.text).join('\n')).not.toContain(alice.accessToken);
});

test("the request that created an upload is named by the S3-triggered processing and by notifications", async () => {
  // Prepare
  const image = await solidPng(64, 48);
  const ticket = await api<{ key: string; uploadUrl: string; headers: Record<string, string> }>('/media/uploads', {
    method: 'POST',
    token: alice.accessToken,
    body: { contentType: 'image/png', size: image.byteLength },
  });
  const requestId = ticket.headers.get('x-request-id') ?? '';

  // Act: the app's PUT to storage is not our request; processing still names the one that signed it.
  const put = await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: image });
  const lines = await eventually(
    async () => readJourney([logFile()], { requestId }),
    (found) => found.some((line) => line.entry?.message === 'Upload processed') && servicesOf(found).has('notifications'),
    20_000,
  );

  // Assess
  expect([ticket.status, put.status]).toEqual([201, 200]);
  expect(requestId).not.toBe('');
  expect(lines.find((line) => line.entry?.message === 'Upload processed')?.entry).toMatchObject({ service: 'thumbnails', key: ticket.body.key, correlationId: requestId });
  expect(lines.find((line) => line.entry?.service === 'notifications')?.entry).toMatchObject({ correlationId: requestId });
});
