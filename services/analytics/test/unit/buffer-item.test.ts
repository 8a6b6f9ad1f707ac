import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { bufferedBatch, bufferItem, bufferTtlSeconds } from '../../src/adapters/buffer-table';
import type { AcceptedBatch } from '../../src/domain/batch';

const appBatch: AcceptedBatch = {
  batchId: 'b6a0f0d2-0c1b-4a43-9d1f-3f2a8e5c7d10',
  receivedAt: '2026-11-30T12:00:00.000Z',
  installId: '6f1c1c8e-3c55-4bb6-9a43-2a7d0c1e5a10',
  actor: 'u_AAAAAAAAAAAAAAAAAAAAAA',
  platform: 'ios',
  appVersion: '2.4.0',
  events: [
    { id: '00000000-0000-4000-8000-000000000001', type: 'photo.taken', at: '2026-11-30T11:59:00.000Z', sessionId: '00000000-0000-4000-8000-0000000000aa', attributes: { camera: 'front', constructor: 'x' }, metrics: { ms: 30.5, zero: 0 } },
    { id: '00000000-0000-4000-8000-000000000002', type: '_session.stop', at: '2026-11-30T11:59:30.000Z', sessionId: null, attributes: {}, metrics: {} },
  ],
};
const serverBatch: AcceptedBatch = { ...appBatch, batchId: 'c6a0f0d2-0c1b-4a43-9d1f-3f2a8e5c7d10', installId: null, platform: null, appVersion: null, events: [{ ...(appBatch.events[1] as AcceptedBatch['events'][number]), type: 'server.note.created' }] };

/** The item as processEvents gets it: written by the SDK, read back from the stream's NEW_IMAGE. */
const throughStream = (item: object) => unmarshall(marshall(item, { removeUndefinedValues: true }));

describe('buffer items', () => {
  test('a batch reads back from the stream as it was buffered: app and server batches, empty attributes and metrics, and keys such as "constructor" (which the SDK cannot marshal as a map key)', () => {
    // Act
    const read = [appBatch, serverBatch].map((batch) => bufferedBatch(throughStream(bufferItem(batch))));

    // Assess
    expect(read).toEqual([appBatch, serverBatch]);
  });

  test('the events travel as one JSON string, the batch fields and the TTL beside them', () => {
    // Act
    const item = bufferItem(appBatch);

    // Assess
    expect(item).toEqual({
      pk: appBatch.batchId,
      batchId: appBatch.batchId,
      receivedAt: appBatch.receivedAt,
      installId: appBatch.installId,
      actor: appBatch.actor,
      platform: 'ios',
      appVersion: '2.4.0',
      eventsJson: JSON.stringify(appBatch.events),
      expiresAt: Date.parse(appBatch.receivedAt) / 1000 + bufferTtlSeconds,
    });
    expect(marshall(item).eventsJson).toEqual({ S: JSON.stringify(appBatch.events) });
  });

  test('an item written before the events were a string (a list of maps) reads the same', () => {
    // Prepare: such an item could only hold keys the SDK marshals
    const batch = { ...appBatch, events: appBatch.events.map((event) => ({ ...event, attributes: { camera: 'front' } })) };
    const earlier = { pk: batch.batchId, ...batch, expiresAt: 1 };

    // Act
    const read = bufferedBatch(throughStream(earlier));

    // Assess
    expect(read).toEqual(batch);
  });

  test('an item this service did not write is not a batch', () => {
    // Prepare
    const { eventsJson: _events, ...common } = bufferItem(appBatch);
    const broken = [
      { ...common, eventsJson: '[{"id":' },
      { ...common, eventsJson: '{"id":"x"}' },
      { ...common, eventsJson: JSON.stringify([{ id: 'x', type: 'y', at: 'z', sessionId: null, attributes: [], metrics: {} }]) },
      { ...common, eventsJson: JSON.stringify(appBatch.events), actor: 7 },
      common,
    ];

    // Act
    const read = broken.map((item) => bufferedBatch(throughStream(item)));

    // Assess
    expect(read).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
