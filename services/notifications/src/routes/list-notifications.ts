// GET /notifications?limit=&cursor= → the caller's inbox, newest first.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named, pageOf, timestamp } from '@photonotes/shared/openapi';
import { paginationQuery } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import type { NotificationView } from '../domain/notification';
import type { Page } from '../domain/ports';
import { notificationData } from './notification-data';

const NotificationSchema = named(
  'Notification',
  describes<NotificationView>()(
    z.object({
      id: z.string(),
      type: z.enum(['note.shared', 'media.ready', 'media.failed', 'thing.alert']),
      title: z.string(),
      body: z.string(),
      data: notificationData,
      createdAt: timestamp,
      readAt: z.nullable(timestamp),
    }),
  ),
);

const NotificationPageSchema = named('NotificationPage', describes<Page<NotificationView>>()(pageOf(NotificationSchema)));

export const listNotificationsRoute = defineRoute({
  service: 'notifications',
  method: 'GET',
  path: '/notifications',
  operationId: 'listNotifications',
  summary: 'Your inbox',
  description: 'Newest first, paginated.',
  tags: ['notifications'],
  query: paginationQuery,
  responses: { 200: { description: 'A page of notifications', schema: NotificationPageSchema } },
  errors: { 400: 'An invalid limit, or a cursor the server did not issue' },
});
