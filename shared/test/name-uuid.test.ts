// Name-based UUIDs: stable for a name, different across names, and shaped like RFC 9562 custom (v8) UUIDs.
import { nameUuid } from '../src/name-uuid';

describe('nameUuid', () => {
  test('the same name always makes the same UUID; different names different UUIDs', () => {
    // Act
    const ids = [nameUuid('a'), nameUuid('a'), nameUuid('b')];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).not.toBe(ids[2]);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
