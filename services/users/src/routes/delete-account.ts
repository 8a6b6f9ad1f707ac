// DELETE /users/me
import { defineRoute } from '@photonotes/shared/http-route';

export const deleteAccountRoute = defineRoute({
  service: 'users',
  method: 'DELETE',
  path: '/users/me',
  operationId: 'deleteAccount',
  summary: 'Delete your account',
  description: "The account and profile are gone at once; the user's notes, media, devices and notifications are deleted asynchronously.",
  tags: ['users'],
  responses: { 204: { description: 'Deleted' } },
});
