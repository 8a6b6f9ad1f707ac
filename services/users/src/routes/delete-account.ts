// DELETE /users/me
import { defineRoute } from '@photonotes/shared/http-route';

export const deleteAccountRoute = defineRoute({
  service: 'users',
  method: 'DELETE',
  path: '/users/me',
  operationId: 'deleteAccount',
  summary: 'Delete your account',
  description:
    "The account and profile are gone at once, and within 5 s the account's access tokens are refused everywhere (401). The user's notes, media, devices, things and notifications are deleted asynchronously, including anything written just before the refusal.",
  tags: ['users'],
  responses: { 204: { description: 'Deleted' } },
});
