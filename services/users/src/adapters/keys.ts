// Every key of the users table, built here and nowhere else:
//   user      pk USER#<userId>                     profile and session epoch, or a tombstone after deletion (TTL expiresAt)
//   session   pk REFRESH#<sha256(refresh token)>   one refresh token issued by /auth/login (TTL expiresAt)
//   lookups   pk LOOKUPS#<userId>                  the caller's window of GET /users?email= look-ups (TTL expiresAt)
// Only a hash of a refresh token is stored: the table never holds a usable token.
// Index `email` (a GSI on the profile's lower-case `email`; only live profiles carry one) finds a user by address.
import { createHash } from 'node:crypto';

export interface TableKey {
  pk: string;
}

export const emailIndex = 'email';

export const keys = {
  user: (userId: string): TableKey => ({ pk: `USER#${userId}` }),
  lookups: (userId: string): TableKey => ({ pk: `LOOKUPS#${userId}` }),
  session: (refreshToken: string): TableKey => ({ pk: `REFRESH#${createHash('sha256').update(refreshToken).digest('base64url')}` }),
};
