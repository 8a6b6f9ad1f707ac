// POST /notifications/read { ids: [1..100] } → 204; an id that is not one of the caller's notifications: 404, nothing written.
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';
import { notificationIdPattern } from '../domain/notification';

export const maxReadIds = 100;

export const markReadBody = z.strictObject({
  ids: z
    .array(z.string().check(z.regex(notificationIdPattern, 'must be a notification id')))
    .check(z.minLength(1, 'ids must name 1 to 100 notifications'), z.maxLength(maxReadIds, 'ids must name 1 to 100 notifications')),
});

export const markNotificationsReadRoute = defineRoute({
  service: 'notifications',
  method: 'POST',
  path: '/notifications/read',
  operationId: 'markNotificationsRead',
  summary: 'Mark notifications read',
  description: 'All or nothing: an already read one keeps its first readAt.',
  tags: ['notifications'],
  body: markReadBody,
  responses: { 204: { description: 'Marked read' } },
  errors: { 404: 'An id is not one of the caller’s notifications (`details` names it); nothing was marked' },
});
