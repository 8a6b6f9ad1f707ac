// Validates values against the schemas of docs/openapi.json with ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect,
// patterns in Unicode mode as zod writes them), the document's components resolving as they do in the document.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

const documentId = 'https://photonotes.test/openapi.json';

export interface DocumentValidator {
  /** The errors of `value` against `schema` (a schema of the document, whose $refs point into it); [] when valid. */
  errors(schema: Json, value: unknown): string[];
}

export function documentValidator(document: Json): DocumentValidator {
  // OpenAPI keywords (example, discriminator...) are no JSON Schema vocabulary: strict mode would refuse them.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: documentId, components: document.components }, documentId);
  const compiled = new Map<string, ValidateFunction>();
  return {
    errors(schema, value) {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        const absolute = JSON.parse(key.replaceAll('"#/components/', `"${documentId}#/components/`)) as Json;
        validate = ajv.compile(absolute);
        compiled.set(key, validate);
      }
      return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
    },
  };
}
