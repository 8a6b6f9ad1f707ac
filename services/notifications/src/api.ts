// The notifications service's routes for the OpenAPI document (scripts/openapi/generate.ts), with the schemas
// its handlers validate with. Response schemas are checked against the domain types they describe.
import { annotate, defineRoute, describes, healthRoute, named, pageOf, timestamp } from '@photonotes/shared/openapi';
import type { RouteSpec } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { OutboxEntry } from './adapters/outbox-push';
import { maxDevicesPerUser, platforms } from './domain/device';
import type { DeviceView } from './domain/device';
import { deviceIdPath, listQuery, markReadBody, registerDeviceBody } from './domain/input';
import type { NotificationView } from './domain/notification';
import type { Page } from './domain/ports';

annotate(registerDeviceBody.shape.token, {
  description: 'The push token: for ios an APNs device token (64..200 hex characters), for android an FCM registration token (100..300 characters of A-Z a-z 0-9 _ : -)',
});

const platform = z.enum(platforms);

const RegisteredDeviceSchema = named(
  'RegisteredDevice',
  describes<Pick<DeviceView, 'deviceId' | 'platform' | 'createdAt'>>()(z.object({ deviceId: z.string(), platform, createdAt: timestamp })),
);

const DeviceSchema = named(
  'Device',
  describes<DeviceView>()(z.object({ deviceId: z.string(), platform, appVersion: z.nullable(z.string()), createdAt: timestamp, updatedAt: timestamp })),
);

const notificationData = annotate(z.record(z.string(), z.string()), { description: '`{ noteId }` for note.shared, `{ key }` (the media key) for media.ready and media.failed' });

const NotificationSchema = named(
  'Notification',
  describes<NotificationView>()(
    z.object({
      id: z.string(),
      type: z.enum(['note.shared', 'media.ready', 'media.failed']),
      title: z.string(),
      body: z.string(),
      data: notificationData,
      createdAt: timestamp,
      readAt: z.nullable(timestamp),
    }),
  ),
);

const OutboxEntrySchema = named(
  'OutboxEntry',
  describes<OutboxEntry>()(
    z.object({ deviceId: z.string(), userId: z.string(), platform, token: z.string(), title: z.string(), body: z.string(), data: notificationData, sentAt: timestamp }),
  ),
  'A push the local stage recorded instead of sending it.',
);

const pageOfDevices = named('DevicePage', describes<Page<DeviceView>>()(pageOf(DeviceSchema)));
const pageOfNotifications = named('NotificationPage', describes<Page<NotificationView>>()(pageOf(NotificationSchema)));
const pageOfOutbox = named('OutboxPage', describes<Page<OutboxEntry>>()(pageOf(OutboxEntrySchema)));

const badPage = 'An invalid limit, or a cursor the server did not issue';

export const routes: RouteSpec[] = [
  healthRoute('notifications'),
  defineRoute({
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
  }),
  defineRoute({
    method: 'GET',
    path: '/devices',
    operationId: 'listDevices',
    summary: 'Your devices',
    tags: ['notifications'],
    query: listQuery,
    responses: { 200: { description: 'A page of devices', schema: pageOfDevices } },
    errors: { 400: badPage },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/devices/{deviceId}',
    operationId: 'unregisterDevice',
    summary: 'Stop pushes to a device',
    tags: ['notifications'],
    params: deviceIdPath,
    responses: { 204: { description: 'Unregistered' } },
    errors: { 404: 'No such device among the caller’s' },
  }),
  defineRoute({
    method: 'GET',
    path: '/notifications',
    operationId: 'listNotifications',
    summary: 'Your inbox',
    description: 'Newest first, paginated.',
    tags: ['notifications'],
    query: listQuery,
    responses: { 200: { description: 'A page of notifications', schema: pageOfNotifications } },
    errors: { 400: badPage },
  }),
  defineRoute({
    method: 'POST',
    path: '/notifications/read',
    operationId: 'markNotificationsRead',
    summary: 'Mark notifications read',
    description: 'All or nothing: an already read one keeps its first readAt.',
    tags: ['notifications'],
    body: markReadBody,
    responses: { 204: { description: 'Marked read' } },
    errors: { 404: 'An id is not one of the caller’s notifications (`details` names it); nothing was marked' },
  }),
  defineRoute({
    method: 'GET',
    path: '/dev/push-outbox',
    operationId: 'listPushOutbox',
    summary: 'The pushes recorded for your devices (local stage only)',
    description: 'The `local` stage records every push instead of sending it. This route does not exist in deployed stages.',
    tags: ['notifications'],
    localOnly: true,
    query: listQuery,
    responses: { 200: { description: 'A page of recorded pushes, newest first', schema: pageOfOutbox } },
    errors: { 400: badPage },
  }),
];
