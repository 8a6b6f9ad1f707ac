// GET /users/me
import { defineRoute } from '@photonotes/shared/http-route';
import { OwnProfileSchema } from './own-profile';

export const getOwnProfileRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/users/me',
  operationId: 'getOwnProfile',
  summary: 'Your profile',
  tags: ['users'],
  responses: { 200: { description: 'The profile', schema: OwnProfileSchema } },
  errors: { 404: 'The account has no profile (deleted meanwhile)' },
});
