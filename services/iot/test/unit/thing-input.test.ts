import { ValidationError } from '@photonotes/shared/errors';
import { parseInput } from '@photonotes/shared/validation';
import { createThingBody, updateThingBody } from '../../src/domain/thing-input';
import { normaliseThingId } from '../../src/domain/thing';

function failure(schema: Parameters<typeof parseInput>[0], body: unknown): ValidationError {
  try {
    parseInput(schema, body, 'body');
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a validation error');
}

const attributes = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`key${index}`, 'v']));

describe('createThingBody', () => {
  it.each([
    ['a one-character name', { name: 'a' }],
    ['an 80-character name', { name: 'n'.repeat(80) }],
    ['80 emoji', { name: '🌡'.repeat(80) }],
    ['20 attributes', { name: 'x', attributes: attributes(20) }],
    ['keys of every allowed character', { name: 'x', attributes: { 'Az09_.-': 'v', [`k${'x'.repeat(39)}`]: 'v' } }],
    ['a 200-character value', { name: 'x', attributes: { room: 'v'.repeat(200) } }],
    ['empty attributes', { name: 'x', attributes: {} }],
  ])('accepts %s', (_case, body) => {
    // Act
    const parsed = parseInput(createThingBody, body, 'body');

    // Assess
    expect(parsed.name).toBe(body.name);
  });

  it('trims the name and keeps attributes as given', () => {
    // Act
    const parsed = parseInput(createThingBody, { name: '  Thermostat ', attributes: { room: 'kitchen' } }, 'body');

    // Assess
    expect(parsed).toEqual({ name: 'Thermostat', attributes: { room: 'kitchen' } });
  });

  it.each([
    ['no name', {}, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['an 81-character name', { name: 'n'.repeat(81) }, 'name'],
    ['a control character', { name: 'a\u0000b' }, 'name'],
    ['21 attributes', { name: 'x', attributes: attributes(21) }, 'attributes'],
    ['a 41-character key', { name: 'x', attributes: { ['k'.repeat(41)]: 'v' } }, `attributes.${'k'.repeat(41)}`],
    ['a key with a space', { name: 'x', attributes: { 'my key': 'v' } }, 'attributes.my key'],
    ['an empty key', { name: 'x', attributes: { '': 'v' } }, 'attributes.'],
    ['a 201-character value', { name: 'x', attributes: { room: 'v'.repeat(201) } }, 'attributes.room'],
    ['a number value', { name: 'x', attributes: { floor: 2 } }, 'attributes.floor'],
    ['attributes as an array', { name: 'x', attributes: ['a'] }, 'attributes'],
    ['an unknown field', { name: 'x', ownerId: 'someone' }, ''],
  ])('refuses %s with a 400 naming the field', (_case, body, path) => {
    // Act
    const err = failure(createThingBody, body);

    // Assess
    expect(err.status).toBe(400);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'body', path })]));
  });

  it('keeps a "__proto__" attribute key as an ordinary key, never as a prototype', () => {
    // Prepare
    const body = JSON.parse('{"name":"x","attributes":{"__proto__":"yes","room":"hall"}}') as unknown;

    // Act
    const parsed = parseInput(createThingBody, body, 'body');

    // Assess
    expect(Object.entries(parsed.attributes ?? {})).toEqual([
      ['__proto__', 'yes'],
      ['room', 'hall'],
    ]);
    expect(Object.getPrototypeOf(parsed.attributes)).toBe(Object.prototype);
  });

  it('refuses an object as an attribute value, whatever the key', () => {
    // Prepare
    const body = JSON.parse('{"name":"x","attributes":{"__proto__":{"polluted":"yes"}}}') as unknown;

    // Act
    const err = failure(createThingBody, body);

    // Assess
    expect(err.details).toEqual([expect.objectContaining({ path: 'attributes.__proto__' })]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('updateThingBody', () => {
  it('accepts a name or attributes alone', () => {
    // Act
    const renamed = parseInput(updateThingBody, { name: 'Boiler' }, 'body');
    const retagged = parseInput(updateThingBody, { attributes: { room: 'cellar' } }, 'body');

    // Assess
    expect(renamed).toEqual({ name: 'Boiler' });
    expect(retagged).toEqual({ attributes: { room: 'cellar' } });
  });

  it('refuses an empty patch', () => {
    // Act
    const err = failure(updateThingBody, {});

    // Assess
    expect(err.status).toBe(400);
  });
});

describe('normaliseThingId', () => {
  it('accepts UUIDs in either case and nothing else', () => {
    // Act
    const results = ['0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5b-d9cb-469f-a165-70867728950e', 'things', '0f8fad5b-d9cb-469f-a165-70867728950e#x', ''].map(normaliseThingId);

    // Assess
    expect(results).toEqual(['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e', undefined, undefined, undefined]);
  });
});
