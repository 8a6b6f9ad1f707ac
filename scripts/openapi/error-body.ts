// API.md's error body, as the shared chain writes it (shared/src/errors.ts): every route's 4xx and 5xx answer in
// the document, and what test/support/openapi-conformance.ts holds real error answers to.
import type { ErrorBody, ErrorCode } from '@photonotes/shared/errors';
import { errorStatuses } from '@photonotes/shared/http-route';
import { describes, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';

export const ErrorBodySchema = named(
  'ErrorBody',
  describes<ErrorBody>()(
    z.object({
      error: z.object({
        code: z.enum(Object.values(errorStatuses) as [ErrorCode, ...ErrorCode[]]),
        message: z.string(),
        details: z.optional(z.array(z.unknown())),
        requestId: z.string(),
      }),
    }),
  ),
  'Every error: the status code plus this body. `details` lists validation issues ({ location, path, message, code }) or, on a 412, the current resource.',
);
