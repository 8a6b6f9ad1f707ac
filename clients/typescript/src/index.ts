// The PhotoNotes API client for apps: typed calls, token refresh, If-Match, cursor iteration, typed errors.
export { buildUrl, createClient } from './client';
export type { Client, ClientOptions, ItemOf, Method, OptionsArg, PagedPath, PathsWith, RequestOptions, ResponseOf, TokenProvider } from './client';
export { ApiError, isApiError, parseRetryAfter } from './errors';
export type { ApiErrorCode, ErrorBody } from './errors';
export { connectRealtime, syncWithRealtime, tokenExpiry } from './realtime';
export type { NoteChange, Realtime, RealtimeMessage, RealtimeOptions, RealtimeStatus, SyncedRealtime, SyncWithRealtimeOptions, WebSocketConstructor, WebSocketLike } from './realtime';
export { createSession } from './session';
export type { Session, SessionOptions, SessionTokens } from './session';
export type { components, operations, paths } from './schema';

import type { components } from './schema';

/** The API's resources, by name. */
export type Schemas = components['schemas'];
export type Note = Schemas['Note'];
