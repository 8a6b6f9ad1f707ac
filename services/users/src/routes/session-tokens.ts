// What POST /auth/login and POST /auth/refresh both answer with their tokens.
import { annotate } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';

export const expiresIn = annotate(z.int(), { description: 'Seconds until the access token expires' });
