// An app's signed-in session over the client: logIn keeps the tokens, every call sends the access token, a
// 401 trades the refresh token for a new one (once), and logOut or a refused refresh forgets them.
import { createClient } from './client';
import type { Client, ClientOptions, TokenProvider } from './client';
import { isApiError } from './errors';
import { syncWithRealtime } from './realtime';
import type { SyncedRealtime, SyncWithRealtimeOptions } from './realtime';
import type { components } from './schema';

export interface SessionTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export interface SessionOptions extends Omit<ClientOptions, 'tokens'> {
  /** Tokens kept from an earlier run (secure storage), if any. */
  initial?: SessionTokens;
  /** Called whenever the tokens change (store them), with undefined when the session ends. */
  onChange?: (tokens: SessionTokens | undefined) => void;
}

export interface Session {
  api: Client;
  readonly tokens: SessionTokens | undefined;
  logIn(email: string, password: string): Promise<components['schemas']['LoginResult']>;
  /** Ends the session on the server (every refresh token stops working) and forgets it here. */
  logOut(): Promise<void>;
  /**
   * The realtime channel with catching up (`syncWithRealtime`) on this session's tokens. `url` defaults to
   * `<baseUrl>/realtime` over ws(s), which is right locally; deployed, pass the stage's WebSocket URL.
   */
  realtime(options: Omit<SyncWithRealtimeOptions, 'api' | 'tokens' | 'url'> & { url?: string }): SyncedRealtime;
}

export function createSession(options: SessionOptions): Session {
  let tokens = options.initial;
  const set = (next: SessionTokens | undefined) => {
    tokens = next;
    options.onChange?.(next);
  };
  const provider: TokenProvider = {
    get: () => tokens?.accessToken,
    refresh: async () => {
      const current = tokens;
      if (!current) return undefined;
      try {
        const refreshed = await api.post('/auth/refresh', { body: { refreshToken: current.refreshToken } });
        set({ ...current, accessToken: refreshed.accessToken, idToken: refreshed.idToken });
        return refreshed.accessToken;
      } catch (error) {
        // Revoked or expired: the session is over. Anything else (no network) keeps it for a later try.
        if (isApiError(error) && error.status === 401 && tokens === current) set(undefined);
        throw error;
      }
    },
  };
  const api: Client = createClient({ ...options, tokens: provider });
  return {
    api,
    get tokens() {
      return tokens;
    },
    async logIn(email, password) {
      const result = await api.post('/auth/login', { body: { email, password } });
      set({ accessToken: result.accessToken, idToken: result.idToken, refreshToken: result.refreshToken });
      return result;
    },
    async logOut() {
      try {
        await api.post('/auth/logout');
      } finally {
        set(undefined);
      }
    },
    realtime(realtimeOptions) {
      const url = realtimeOptions.url ?? `${options.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/realtime`;
      return syncWithRealtime({ ...realtimeOptions, url, api, tokens: provider });
    },
  };
}
