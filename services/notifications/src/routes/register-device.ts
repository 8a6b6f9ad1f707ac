// POST /devices { platform, token, appVersion? } → 201 { deviceId, platform, createdAt }; 200 with the same device
// when the caller had registered the token already (a token another user had moves to the caller).
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes, named, timestamp } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { maxDevicesPerUser, normaliseToken, platforms, tokenRules } from '../domain/device';
import type { DeviceView } from '../domain/device';
import type { RegisterDeviceInput } from '../domain/devices';

const maxTokenLength = 4096;

// Unknown fields are refused.
export const registerDeviceBody = describes<RegisterDeviceInput>()(
  z
  .strictObject({
    platform: z.enum(platforms),
    // The platform's own rule (device.ts) is checked below; this bound only keeps absurd input cheap.
    token: annotate(z.string().check(z.minLength(1, 'token must not be empty'), z.maxLength(maxTokenLength)), {
      description: 'The push token: for ios an APNs device token (64..200 hex characters), for android an FCM registration token (100..300 characters of A-Z a-z 0-9 _ : -)',
    }),
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
  ),
);

const RegisteredDeviceSchema = named(
  'RegisteredDevice',
  describes<Pick<DeviceView, 'deviceId' | 'platform' | 'createdAt'>>()(z.object({ deviceId: z.string(), platform: z.enum(platforms), createdAt: timestamp })),
);

export const registerDeviceRoute = defineRoute({
  service: 'notifications',
  method: 'POST',
  path: '/devices',
  operationId: 'registerDevice',
  summary: 'Register this device for push notifications',
  description: 'Registering a token again is idempotent (200 with the same device); a token another user had moves to the caller.',
  tags: ['notifications'],
  body: registerDeviceBody,
  bodyExample: { platform: 'ios', token: 'a'.repeat(64), appVersion: '1.4.0' },
  responses: {
    201: { description: 'The new device', schema: RegisteredDeviceSchema },
    200: { description: 'The caller had registered this token already: the same device', schema: RegisteredDeviceSchema },
  },
  errors: {
    400: 'Invalid platform, app version, or a token no push service could have issued',
    409: `The caller has ${maxDevicesPerUser} devices already, or the token is being registered concurrently`,
  },
});
