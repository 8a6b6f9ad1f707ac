import { revocationItem, revocationRetentionMs } from '../src/contracts/revocation-list';
import type { RevocationEntry } from '../src/contracts/revocation-list';
import { ServiceUnavailableError } from '../src/errors';
import { cachedRevocationList, revocationsTableSource } from '../src/revocations';
import type { RevocationSource } from '../src/revocations';
import { fakeDynamo } from './support/fake-dynamo';

const start = Date.parse('2026-12-01T12:00:00.000Z');

/** A clock the test moves, and a table the test writes to; every read is recorded with the time it asked from. */
function setup(options: { maxAgeMs?: number; overlapMs?: number } = {}) {
  let now = start;
  const table: RevocationEntry[] = [];
  const reads: Date[] = [];
  let failing = false;
  let pending: (() => void) | undefined;
  let holdReads = false;
  const source: RevocationSource = {
    async *entriesSince(since) {
      reads.push(since);
      if (holdReads) await new Promise<void>((resolve) => (pending = resolve));
      if (failing) throw new Error('DynamoDB unavailable');
      yield* table.filter((entry) => Date.parse(entry.revokedAt) >= since.getTime());
    },
  };
  const list = cachedRevocationList({ source, now: () => now, ...options });
  return {
    list,
    reads,
    revoke: (userId: string, atMs = now) => table.push({ userId, revokedAt: new Date(atMs).toISOString() }),
    advance: (ms: number) => {
      now += ms;
    },
    fail: (value: boolean) => {
      failing = value;
    },
    hold: () => {
      holdReads = true;
    },
    release: () => {
      holdReads = false;
      pending?.();
    },
  };
}

describe('cachedRevocationList', () => {
  test('the first question reads the whole retention window, and answers from it', async () => {
    // Prepare
    const { list, reads, revoke } = setup();
    revoke('user-gone', start - 30 * 60_000);

    // Act
    const answer = await list.isRevoked('user-gone');

    // Assess
    expect(answer).toBe(true);
    expect(reads).toEqual([new Date(start - revocationRetentionMs)]);
  });

  test('while the last read is younger than half the maximum age, answers come at once, without a read', async () => {
    // Prepare
    const { list, reads, revoke, advance } = setup({ maxAgeMs: 2_000 });
    await list.isRevoked('user-1');
    revoke('user-1');
    advance(999);

    // Act
    const answer = list.isRevoked('user-1');

    // Assess: a plain boolean (nothing awaited), from the cache, which does not know yet
    expect(answer).toBe(false);
    expect(reads).toHaveLength(1);
  });

  test('from half the maximum age on, a question still answers at once and starts one read that the next questions answer from', async () => {
    // Prepare
    const { list, reads, revoke, advance, hold, release } = setup({ maxAgeMs: 2_000 });
    await list.isRevoked('user-1');
    revoke('user-1');
    advance(1_500);
    hold();

    // Act
    const first = list.isRevoked('user-1');
    const second = list.isRevoked('user-1');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    const afterRead = list.isRevoked('user-1');

    // Assess: nothing awaited, one read ahead for both questions, then the entry it found
    expect([first, second]).toEqual([false, false]);
    expect(reads).toHaveLength(2);
    expect(afterRead).toBe(true);
  });

  test('a read that began longer ago than the maximum age is not waited for: a question that finds the list too old starts another', async () => {
    // Prepare: a read ahead that never ends (on Lambda, a container frozen mid-read)
    const { list, reads, revoke, advance, hold, release } = setup({ maxAgeMs: 2_000 });
    await list.isRevoked('user-1');
    advance(1_500);
    hold();
    list.isRevoked('user-1');
    revoke('user-1');
    advance(2_500);

    // Act
    const answer = list.isRevoked('user-1');

    // Assess: a new read, not the stuck one; releasing the newest read (the stuck one stays stuck) answers
    expect(reads).toHaveLength(3);
    expect(answer).toBeInstanceOf(Promise);
    release();
    await expect(answer).resolves.toBe(true);
  });

  test('once the cache is older than the maximum age, the next question waits for a read and sees the new entry', async () => {
    // Prepare
    const { list, reads, revoke, advance } = setup({ maxAgeMs: 2_000, overlapMs: 15_000 });
    await list.isRevoked('user-1');
    advance(500);
    revoke('user-1');
    advance(1_500);

    // Act
    const answer = list.isRevoked('user-1');

    // Assess: only what was written since the last read (less the overlap) is read again
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(true);
    expect(reads).toEqual([new Date(start - revocationRetentionMs), new Date(start - 15_000)]);
  });

  test('an entry that becomes visible late, with a time before the last read, is still found within the overlap', async () => {
    // Prepare
    const { list, revoke, advance } = setup({ maxAgeMs: 2_000, overlapMs: 15_000 });
    await list.isRevoked('user-1');
    advance(2_000);
    // Written with a time 10 s back (a slow writer), after the first read.
    revoke('user-slow', start - 10_000);

    // Act
    const answer = await list.isRevoked('user-slow');

    // Assess
    expect(answer).toBe(true);
  });

  test('questions that find the cache stale at the same time share one read', async () => {
    // Prepare
    const { list, reads, revoke, advance } = setup();
    await list.isRevoked('user-1');
    revoke('user-2');
    advance(2_000);

    // Act
    const answers = await Promise.all([list.isRevoked('user-1'), list.isRevoked('user-2'), list.isRevoked('user-3')]);

    // Assess
    expect(answers).toEqual([false, true, false]);
    expect(reads).toHaveLength(2);
  });

  test('a failed read leaves the last answers in use while they are younger than 4 s', async () => {
    // Prepare
    const { list, revoke, advance, fail } = setup({ maxAgeMs: 2_000 });
    revoke('user-gone');
    await list.isRevoked('user-gone');
    fail(true);
    advance(3_000);

    // Act
    const answer = await list.isRevoked('user-gone');

    // Assess
    expect(answer).toBe(true);
  });

  test('after 4 s without a successful read every question is a 503: refusal must stay certain', async () => {
    // Prepare
    const { list, advance, fail } = setup({ maxAgeMs: 2_000 });
    await list.isRevoked('user-1');
    fail(true);
    advance(4_000);

    // Act
    const answer = list.isRevoked('user-1');

    // Assess
    await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(answer).rejects.toMatchObject({ status: 503, message: 'Revocation list unavailable' });
  });

  test.each([
    [3_999, 'answers'],
    [4_000, 'is a 503'],
  ])('a read that takes %i ms %s: its answers are as old as its start', async (readMs, outcome) => {
    // Prepare
    const { list, advance, hold, release } = setup({ maxAgeMs: 2_000 });
    await list.isRevoked('user-1');
    advance(2_000);
    hold();

    // Act
    const answer = list.isRevoked('user-1');
    await new Promise((resolve) => setImmediate(resolve));
    advance(readMs);
    release();

    // Assess
    if (outcome === 'answers') expect(await answer).toBe(false);
    else await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  test('after a failure, the next question reads again and recovers', async () => {
    // Prepare
    const { list, revoke, advance, fail } = setup();
    await list.isRevoked('user-1');
    fail(true);
    advance(10_000);
    await expect(list.isRevoked('user-1')).rejects.toBeInstanceOf(ServiceUnavailableError);
    fail(false);
    revoke('user-1');

    // Act
    const answer = await list.isRevoked('user-1');

    // Assess
    expect(answer).toBe(true);
  });

  test('entries older than the retention window are forgotten: their tokens have all expired', async () => {
    // Prepare
    const { list, revoke, advance } = setup();
    revoke('user-old');
    expect(await list.isRevoked('user-old')).toBe(true);
    advance(revocationRetentionMs + 1);

    // Act
    const answer = await list.isRevoked('user-old');

    // Assess
    expect(answer).toBe(false);
  });

  test.each([0, 4_001, Number.NaN])('a maximum age of %s ms is refused at construction', (maxAgeMs) => {
    // Act
    const build = () => cachedRevocationList({ source: { entriesSince: () => (async function* () {})() }, maxAgeMs });

    // Assess
    expect(build).toThrow("The revocation cache's maximum age must be within 0..4000 ms");
  });
});

describe('revocationsTableSource', () => {
  test('reads with one consistent Query of the partition after the given time, never a Scan', async () => {
    // Prepare
    const item = revocationItem('user-gone', new Date(start));
    const { client, sent } = fakeDynamo(() => ({ Items: [{ userId: item.userId, revokedAt: item.revokedAt }] }));
    const source = revocationsTableSource('photonotes-users-test-revocations', client);

    // Act
    const entries: RevocationEntry[] = [];
    for await (const entry of source.entriesSince(new Date(start - 15_000))) entries.push(entry);

    // Assess
    expect(entries).toEqual([{ userId: 'user-gone', revokedAt: '2026-12-01T12:00:00.000Z' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.constructor.name).toBe('QueryCommand');
    expect(sent[0]?.input).toMatchObject({
      TableName: 'photonotes-users-test-revocations',
      KeyConditionExpression: 'pk = :pk AND sk > :since',
      ExpressionAttributeValues: { ':pk': 'REVOKED', ':since': '2026-12-01T11:59:45.000Z' },
      ConsistentRead: true,
    });
  });
});

describe('revocationItem', () => {
  test('sorts by time in one partition, and expires when the retention window ends', () => {
    // Act
    const item = revocationItem('user-gone', new Date(start));

    // Assess
    expect(item).toEqual({
      pk: 'REVOKED',
      sk: '2026-12-01T12:00:00.000Z#user-gone',
      userId: 'user-gone',
      revokedAt: '2026-12-01T12:00:00.000Z',
      expiresAt: (start + revocationRetentionMs) / 1000,
    });
    expect(item.sk > '2026-12-01T12:00:00.000Z').toBe(true);
  });
});
