import * as z from 'zod/mini';
import { createNoteBody } from '../../src/routes/create-note';
import { listNotesQuery } from '../../src/routes/list-notes';
import { updateNoteBody } from '../../src/routes/update-note';

function issuesOf(schema: z.ZodMiniType, value: unknown): string[] {
  const result = z.safeParse(schema, value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.') || issue.code);
}

describe('createNoteBody', () => {
  it('accepts a full valid body and normalises the id and tags', () => {
    // Act
    const parsed = z.parse(createNoteBody, {
      id: '6F1C1E4E-8A9B-4C1D-9E2F-0A1B2C3D4E5F',
      title: 'T',
      body: '',
      tags: [' Work '],
      visibility: 'public',
      sharedWith: ['user-1'],
      photoKey: null,
    });

    // Assess
    expect(parsed).toMatchObject({ id: '6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f', tags: ['work'] });
  });

  it.each([
    ['title empty', { title: '' }, 'title'],
    ['title over 200 characters', { title: 'x'.repeat(201) }, 'title'],
    ['body over 20000 characters', { title: 't', body: 'x'.repeat(20_001) }, 'body'],
    ['21 tags', { title: 't', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['a tag over 40 characters', { title: 't', tags: ['x'.repeat(41)] }, 'tags.0'],
    ['a blank tag', { title: 't', tags: ['  '] }, 'tags.0'],
    ['51 sharees', { title: 't', sharedWith: Array.from({ length: 51 }, (_, i) => `u${i}`) }, 'sharedWith'],
    ['a sharee id with a separator', { title: 't', sharedWith: ['a#b'] }, 'sharedWith.0'],
    ['an unknown visibility', { title: 't', visibility: 'friends' }, 'visibility'],
    ['a non-UUID id', { id: 'note-1', title: 't' }, 'id'],
    ['a number title', { title: 5 }, 'title'],
    ['tags as a string', { title: 't', tags: 'a,b' }, 'tags'],
    ['ownerId', { title: 't', ownerId: 'me' }, 'unrecognized_keys'],
    ['version', { title: 't', version: 9 }, 'unrecognized_keys'],
    ['createdAt', { title: 't', createdAt: '2020-01-01T00:00:00.000Z' }, 'unrecognized_keys'],
  ])('refuses %s', (_name, body, path) => {
    // Act + Assess
    expect(issuesOf(createNoteBody, body)).toContain(path);
  });

  it('counts characters as people do: 200 emoji are a valid title', () => {
    // Act + Assess
    expect(issuesOf(createNoteBody, { title: '📷'.repeat(200) })).toEqual([]);
    expect(issuesOf(createNoteBody, { title: '📷'.repeat(201) })).toEqual(['title']);
  });
});

describe('updateNoteBody', () => {
  it('accepts any subset of the fields, and photoKey null', () => {
    // Act + Assess
    expect(issuesOf(updateNoteBody, { body: 'b' })).toEqual([]);
    expect(issuesOf(updateNoteBody, { photoKey: null })).toEqual([]);
  });

  it('refuses an empty patch and the id', () => {
    // Act + Assess
    expect(issuesOf(updateNoteBody, {})).toEqual(['custom']);
    expect(issuesOf(updateNoteBody, { id: '6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f', title: 't' })).toContain('unrecognized_keys');
  });
});

describe('listNotesQuery', () => {
  it('defaults to own notes, 20 a page', () => {
    // Act + Assess
    expect(z.parse(listNotesQuery, {})).toEqual({ scope: 'own', limit: 20 });
  });

  it('refuses other scopes and limits', () => {
    // Act + Assess
    expect(issuesOf(listNotesQuery, { scope: 'public' })).toEqual(['scope']);
    expect(issuesOf(listNotesQuery, { limit: '101' })).toEqual(['limit']);
  });
});
