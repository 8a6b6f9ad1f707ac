// The things stream's purge on fakes: a removed thing's telemetry goes and nobody else's, repeats and the
// account-deletion purge running at the same time are harmless, other records are left alone, a failed purge is
// reported for redelivery.
import { createLogger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { streamRecord } from '@photonotes/shared/testing/lambda-events';
import type { DynamoDBRecord } from 'aws-lambda';
import { keys } from '../../src/adapters/keys';
import { createThing, deleteOwnerThings, deleteThing, purgeThingData } from '../../src/domain/registry';
import { ingestTelemetry } from '../../src/domain/ingest';
import { purgeDeletedThingsHandler } from '../../src/functions/purge-deleted-things';
import { owner, stranger, testDeps } from './support/iot-deps';
import type { TestDeps } from './support/iot-deps';

const silent = createLogger({ service: 'iot', level: 'silent' });

let sequence = 100;
/** A KEYS_ONLY record of the things table, with the key the adapters write. */
const keyRecord = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', key: { pk: string; sk: string }): DynamoDBRecord => streamRecord(String(sequence++), eventName, { keys: key });
const removed = (thingId: string) => keyRecord('REMOVE', keys.thing(thingId));

function setup() {
  const test = testDeps();
  const handler = purgeDeletedThingsHandler(() => test.deps, silent);
  const deliver = (...records: DynamoDBRecord[]) => handler({ Records: records }, lambdaContext());
  return { ...test, deliver };
}

/** A thing of `caller` with two metrics' readings (and so their rollups and series heads). */
async function thingWithTelemetry({ deps, clock }: TestDeps, caller = owner): Promise<string> {
  const { thing } = await createThing({ name: 'Thermostat' }, caller, deps);
  for (let minute = 0; minute < 3; minute++) {
    const receivedAt = clock.now.getTime() + minute * 60_000;
    const stored = await ingestTelemetry({ thingId: thing.thingId, payload: JSON.stringify({ ts: receivedAt, metrics: { temp: 20 + minute, hum: 40 } }), receivedAt }, deps);
    expect(stored.status).toBe('stored');
  }
  return thing.thingId;
}

function itemsOf({ telemetry }: TestDeps, thingId: string): number {
  const ofThing = (map: Map<string, unknown>) => [...map.entries()].filter(([key]) => key.startsWith(`${thingId}|`)).reduce((sum, [, value]) => sum + (value instanceof Map ? value.size : 1), 0);
  return ofThing(telemetry.heads) + ofThing(telemetry.raw) + ofThing(telemetry.rollups);
}

describe('purging a removed thing from the things stream', () => {
  it("deletes the removed thing's readings, rollups and series heads, and nobody else's", async () => {
    // Prepare
    const test = setup();
    const gone = await thingWithTelemetry(test);
    const kept = await thingWithTelemetry(test, stranger);
    const keptItems = itemsOf(test, kept);
    await deleteThing(gone, owner, test.deps);

    // Act
    const result = await test.deliver(removed(gone));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(itemsOf(test, gone)).toBe(0);
    expect(await test.telemetry.latest(gone)).toEqual([]);
    expect(keptItems).toBeGreaterThan(0);
    expect(itemsOf(test, kept)).toBe(keptItems);
    expect((await test.telemetry.latest(kept)).map((item) => item.metric).sort()).toEqual(['hum', 'temp']);
  });

  it('deletes what raced the removal under the thing (remains of its partition)', async () => {
    // Prepare
    const test = setup();
    const gone = await thingWithTelemetry(test);
    await deleteThing(gone, owner, test.deps);
    test.store.remains.set(gone, 2);

    // Act
    await test.deliver(removed(gone));

    // Assess
    expect(test.store.remains.has(gone)).toBe(false);
  });

  it('applies a redelivered batch again without harm', async () => {
    // Prepare
    const test = setup();
    const gone = await thingWithTelemetry(test);
    await deleteThing(gone, owner, test.deps);
    const record = removed(gone);
    await test.deliver(record);

    // Act
    const again = await test.deliver(record, record);

    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    expect(itemsOf(test, gone)).toBe(0);
  });

  it("and account deletion's own purge do not fight: run at the same time, both finish and nothing is left", async () => {
    // Prepare
    const test = setup();
    const mine = [await thingWithTelemetry(test), await thingWithTelemetry(test)];
    const theirs = await thingWithTelemetry(test, stranger);
    const theirItems = itemsOf(test, theirs);
    const ownerThings = await deleteOwnerThings(owner.userId, test.deps);

    // Act: the user-events consumer purges the things it removed while the stream delivers their removals.
    const [accountPurge, streamPurge] = await Promise.all([
      Promise.all(ownerThings.map((thingId) => purgeThingData(thingId, test.deps))),
      test.deliver(...ownerThings.map(removed)),
    ]);

    // Assess
    expect(ownerThings.sort()).toEqual([...mine].sort());
    expect(accountPurge).toHaveLength(2);
    expect(streamPurge).toEqual({ batchItemFailures: [] });
    for (const thingId of mine) expect(itemsOf(test, thingId)).toBe(0);
    expect(itemsOf(test, theirs)).toBe(theirItems);
  });

  it('leaves a thing whose record exists alone', async () => {
    // Prepare
    const test = setup();
    const thingId = await thingWithTelemetry(test);
    const before = itemsOf(test, thingId);

    // Act
    const result = await test.deliver(removed(thingId));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(before).toBeGreaterThan(0);
    expect(itemsOf(test, thingId)).toBe(before);
  });

  it("ignores registrations, renames and removals of the thing's other records", async () => {
    // Prepare
    const test = setup();
    const thingId = await thingWithTelemetry(test);
    await deleteThing(thingId, owner, test.deps);
    const before = itemsOf(test, thingId);
    const purge = jest.spyOn(test.telemetry, 'purge');

    // Act
    const result = await test.deliver(
      keyRecord('INSERT', keys.thing(thingId)),
      keyRecord('MODIFY', keys.thing(thingId)),
      keyRecord('REMOVE', keys.device(thingId)),
      keyRecord('REMOVE', keys.seriesHead(thingId, 'temp')),
      keyRecord('REMOVE', keys.ownerCount(owner.userId)),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(purge).not.toHaveBeenCalled();
    expect(itemsOf(test, thingId)).toBe(before);
  });

  it('reports the earliest record whose purge failed, so it and the ones after it come again', async () => {
    // Prepare
    const test = setup();
    const things = [await thingWithTelemetry(test), await thingWithTelemetry(test), await thingWithTelemetry(test)];
    for (const thingId of things) await deleteThing(thingId, owner, test.deps);
    const records = things.map(removed);
    const purge = test.telemetry.purge.bind(test.telemetry);
    jest.spyOn(test.telemetry, 'purge').mockImplementation(async (thingId) => {
      if (thingId === things[1]) throw new Error('throttled');
      return purge(thingId);
    });

    // Act
    const result = await test.deliver(...records);

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }] });
    expect(itemsOf(test, things[0] as string)).toBe(0);
    expect(itemsOf(test, things[1] as string)).toBeGreaterThan(0);
  });

  it('fails a thing key it cannot read rather than drop it', async () => {
    // Prepare
    const test = setup();
    const broken = keyRecord('REMOVE', { pk: 'THING#a#b', sk: 'THING' });

    // Act
    const result = await test.deliver(broken);

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: broken.dynamodb?.SequenceNumber }] });
  });
});
