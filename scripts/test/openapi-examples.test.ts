// Every example of docs/openapi.json (request bodies, responses, parameters, headers) is valid against its own
// schema, checked with ajv in Unicode mode: what Spectral's oas3-valid-media-example cannot do (.spectral.yaml).
import { readFileSync } from 'node:fs';
import { documentFile } from '../openapi/generate';
import { eachMedia, eachOperation } from '../openapi/walk';
import type { Paths } from '../openapi/walk';
import { documentValidator } from './support/document-validator';

type Json = Record<string, unknown>;

const document = JSON.parse(readFileSync(documentFile, 'utf8')) as Json;
const components = document.components as { responses: Record<string, Json>; headers: Record<string, Json> };
const validator = documentValidator(document);

interface Example {
  where: string;
  schema: Json;
  value: unknown;
}

/** Every place the document gives (or should give) an example, with its schema. */
function documentExamples(): Example[] {
  const examples: Example[] = [];
  const paths = document.paths as Paths;
  eachMedia(paths, (media, where, type) => examples.push({ where: `${where} ${type}`, schema: media.schema ?? {}, value: media.example }), components.responses);
  eachOperation(paths, (op, where) => {
    for (const parameter of (op.parameters ?? []) as Json[]) {
      if (parameter.example !== undefined) examples.push({ where: `${where} ${String(parameter.in)} ${String(parameter.name)}`, schema: parameter.schema as Json, value: parameter.example });
    }
  });
  for (const [name, header] of Object.entries(components.headers)) {
    if (header.example !== undefined) examples.push({ where: `header ${name}`, schema: header.schema as Json, value: header.example });
  }
  return examples;
}

describe('the examples of docs/openapi.json', () => {
  const examples = documentExamples();

  test('every request body and response has one', () => {
    // Assess
    expect(examples.filter((example) => example.value === undefined).map((example) => example.where)).toEqual([]);
  });

  test('each is valid against its schema', () => {
    // Act
    const invalid = examples.filter((example) => example.value !== undefined).map((example) => ({ where: example.where, errors: validator.errors(example.schema, example.value) }));

    // Assess
    expect(invalid.filter((example) => example.errors.length > 0)).toEqual([]);
    expect(examples.length).toBeGreaterThan(150);
  });

  test('the validator refuses an example that breaks its schema', () => {
    // Prepare: POST /auth/login's body with a password over its 256 characters
    const schema = ((document.paths as Record<string, Record<string, Json>>)['/auth/login']?.post?.requestBody as { content: Record<string, { schema: Json }> }).content['application/json']?.schema ?? {};

    // Act
    const errors = validator.errors(schema, { email: 'ada@example.com', password: 'x'.repeat(257) });

    // Assess
    expect(errors).toEqual([expect.stringMatching(/^\/password must NOT have more than 256 characters/)]);
  });

  test('patterns are read in Unicode mode, as zod applies them', () => {
    // Prepare: a password needs a letter (\p{L}); "ü" is one
    const schema = { type: 'string', pattern: '\\p{L}' };

    // Assess
    expect(validator.errors(schema, '1234567ü')).toEqual([]);
    expect(validator.errors(schema, '12345678')).not.toEqual([]);
  });
});
