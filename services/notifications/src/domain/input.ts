// Request schemas of the notifications routes (zod/mini): limits from API.md, unknown fields refused.
import * as z from 'zod/mini';
import { paginationQuery } from '@photonotes/shared/validation';
import { normaliseToken, platforms, tokenRules } from './device';
import { notificationIdPattern } from './notification';

export const maxReadIds = 100;
const maxTokenLength = 4096;

export const registerDeviceBody = z
  .strictObject({
    platform: z.enum(platforms),
    // The platform's own rule (device.ts) is checked below; this bound only keeps absurd input cheap.
    token: z.string().check(z.minLength(1, 'token must not be empty'), z.maxLength(maxTokenLength)),
    appVersion: z.optional(z.string().check(z.regex(/^[\x20-\x7e]{1,50}$/, 'appVersion must be 1 to 50 printable ASCII characters'))),
  })
  .check(
    z.superRefine((body, ctx) => {
      // Empty and oversized tokens were reported above already.
      const checkable = body.token.length > 0 && body.token.length <= maxTokenLength;
      if (checkable && normaliseToken(body.platform, body.token) === undefined) {
        ctx.issues.push({ code: 'custom', message: tokenRules[body.platform].message, path: ['token'], input: body.token });
      }
    }),
  );

export const deviceIdPath = z.object({ deviceId: z.string().check(z.minLength(1), z.maxLength(128)) });

export const markReadBody = z.strictObject({
  ids: z
    .array(z.string().check(z.regex(notificationIdPattern, 'must be a notification id')))
    .check(z.minLength(1, 'ids must name 1 to 100 notifications'), z.maxLength(maxReadIds, 'ids must name 1 to 100 notifications')),
});

export const listQuery = paginationQuery;
