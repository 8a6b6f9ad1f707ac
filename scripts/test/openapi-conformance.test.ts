// The recorder that holds real answers to the document (test/support/openapi-conformance.ts), on a fake fetch:
// it must notice an answer that differs from its route's schema, or it proves nothing in the e2e test.
import { conformanceRecorder } from '../../test/support/openapi-conformance';

const device = { deviceId: 'd1', platform: 'ios', appVersion: null, createdAt: '2026-11-28T09:00:00.000Z', updatedAt: '2026-11-28T09:00:00.000Z' };

function answering(status: number, body: unknown): typeof fetch {
  return async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

async function problemsOf(status: number, body: unknown, url = 'http://api.test/devices?limit=5', method = 'GET'): Promise<string[]> {
  const recorder = conformanceRecorder(answering(status, body));
  await recorder.fetch(url, { method });
  return recorder.problems();
}

describe('conformanceRecorder', () => {
  test('an answer as documented is no problem, and its route counts as covered', async () => {
    // Prepare
    const recorder = conformanceRecorder(answering(200, { items: [device], nextCursor: null }));

    // Act
    await recorder.fetch('http://api.test/devices?limit=5');

    // Assess
    expect(await recorder.problems()).toEqual([]);
    expect(await recorder.covered()).toEqual(['GET /devices']);
  });

  test('a field the document does not name is a problem', async () => {
    // Act
    const problems = await problemsOf(200, { items: [{ ...device, endpointArn: 'arn:aws:sns:...' }], nextCursor: null });

    // Assess
    expect(problems).toEqual([expect.stringMatching(/GET \/devices → 200: the answer has fields the document does not name/)]);
  });

  test('a missing or mistyped field is a problem', async () => {
    // Act
    const problems = await problemsOf(200, { items: [{ ...device, platform: 'windows' }] });

    // Assess
    expect(problems).toEqual([expect.stringMatching(/items\.0\.platform.*nextCursor/)]);
  });

  test('an error answer must be the error body; an undocumented success status or route is a problem', async () => {
    // Act
    const badError = await problemsOf(404, { message: 'Not Found' });
    const goodError = await problemsOf(404, { error: { code: 'NOT_FOUND', message: 'No such device', requestId: 'r1' } }, 'http://api.test/devices/d1', 'DELETE');
    const undocumented = await problemsOf(202, {});
    const unknownRoute = await problemsOf(200, {}, 'http://api.test/nope');

    // Assess
    expect(badError).toHaveLength(1);
    expect(goodError).toEqual([]);
    expect(undocumented).toEqual([expect.stringMatching(/status 202 is not documented/)]);
    expect(unknownRoute).toEqual([expect.stringMatching(/no such route/)]);
  });

  test('a media key with encoded slashes finds its greedy route', async () => {
    // Act
    const problems = await problemsOf(
      200,
      { key: 'uploads/u1/x.png', status: 'pending', contentType: 'image/png', width: null, height: null, thumbnails: null },
      'http://api.test/media/uploads%2Fu1%2Fx.png',
    );

    // Assess
    expect(problems).toEqual([]);
  });
});
