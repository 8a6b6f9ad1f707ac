// A thin typed client over fetch: `api.get('/notes/{id}', { params: { id } })` is checked against the
// document's types (schema.ts) for its path, parameters, body and answer. It attaches the access token,
// refreshes it once on a 401 and retries, sends If-Match, walks cursors, and turns every failure into ApiError.
import { ApiError, errorFromResponse } from './errors';
import { publicRoutes } from './routes';
import type { paths } from './schema';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The paths that have an operation for `M`. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];

type Operation<P extends keyof paths, M extends Method> = paths[P][M] extends infer O ? (O extends { responses: unknown; parameters: unknown } ? O : never) : never;

type Content<R> = R extends { content: infer C } ? (C extends Record<string, unknown> ? C[keyof C] : undefined) : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202 | 204;

/** What a call resolves to: the body of any of its success answers (undefined for a 204). */
export type ResponseOf<P extends keyof paths, M extends Method> = {
  [S in keyof Responses<Operation<P, M>> & SuccessStatus]: Content<Responses<Operation<P, M>>[S]>;
}[keyof Responses<Operation<P, M>> & SuccessStatus];

type Parameters<O> = O extends { parameters: infer X } ? X : never;
type PathOption<O> = Parameters<O> extends { path: infer X } ? { params: X } : { params?: never };
type QueryOption<O> =
  Parameters<O> extends { query: infer Q } ? { query: Q } : Parameters<O> extends { query?: infer Q } ? ([Q] extends [undefined] ? { query?: never } : { query?: Q }) : { query?: never };
type BodyOption<O> = O extends { requestBody?: never }
  ? { body?: never }
  : O extends { requestBody: { content: { 'application/json': infer B } } }
    ? { body: B }
    : O extends { requestBody?: { content: { 'application/json': infer B } } }
      ? { body?: B }
      : { body?: never };
type HeaderParameters<O> = NonNullable<Parameters<O> extends { header?: infer H } ? H : never>;
type IfMatchOption<O> = [HeaderParameters<O>] extends [never] ? { ifMatch?: never } : 'If-Match' extends keyof HeaderParameters<O> ? { ifMatch?: number | string } : { ifMatch?: never };

export interface CommonOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type RequestOptions<P extends keyof paths, M extends Method> = PathOption<Operation<P, M>> &
  QueryOption<Operation<P, M>> &
  BodyOption<Operation<P, M>> &
  IfMatchOption<Operation<P, M>> &
  CommonOptions;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The options argument, optional when nothing in it is required. */
export type OptionsArg<P extends keyof paths, M extends Method> = [RequiredKeys<RequestOptions<P, M>>] extends [never]
  ? [options?: RequestOptions<P, M>]
  : [options: RequestOptions<P, M>];

/** GET paths answering `{ items, nextCursor }`. */
export type PagedPath = {
  [P in PathsWith<'get'>]: ResponseOf<P, 'get'> extends { items: unknown[]; nextCursor: string | null } ? P : never;
}[PathsWith<'get'>];
export type ItemOf<P extends PagedPath> = ResponseOf<P, 'get'> extends { items: Array<infer T> } ? T : never;

export interface TokenProvider {
  /** The current access token, or undefined when signed out. */
  get(): string | undefined | Promise<string | undefined>;
  /**
   * Called when an authenticated call answers 401: a new access token (the call is then retried once), or
   * undefined to give up (the 401 is thrown). Concurrent 401s share one refresh.
   */
  refresh?(): Promise<string | undefined>;
}

export interface ClientOptions {
  /** The stage's base URL, e.g. http://localhost:3000. */
  baseUrl: string;
  tokens?: TokenProvider;
  /** Default: the global fetch (browsers, React Native, Node 18+). */
  fetch?: typeof fetch;
}

export interface Client {
  request<M extends Method, P extends PathsWith<M>>(method: M, path: P, ...options: OptionsArg<P, M>): Promise<ResponseOf<P, M>>;
  get<P extends PathsWith<'get'>>(path: P, ...options: OptionsArg<P, 'get'>): Promise<ResponseOf<P, 'get'>>;
  post<P extends PathsWith<'post'>>(path: P, ...options: OptionsArg<P, 'post'>): Promise<ResponseOf<P, 'post'>>;
  put<P extends PathsWith<'put'>>(path: P, ...options: OptionsArg<P, 'put'>): Promise<ResponseOf<P, 'put'>>;
  patch<P extends PathsWith<'patch'>>(path: P, ...options: OptionsArg<P, 'patch'>): Promise<ResponseOf<P, 'patch'>>;
  delete<P extends PathsWith<'delete'>>(path: P, ...options: OptionsArg<P, 'delete'>): Promise<ResponseOf<P, 'delete'>>;
  /** Every item of a paginated list, page after page, following `nextCursor` until it is null. */
  paginate<P extends PagedPath>(path: P, ...options: OptionsArg<P, 'get'>): AsyncIterableIterator<ItemOf<P>>;
}

interface RawOptions {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  ifMatch?: number | string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function buildUrl(baseUrl: string, template: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === '') throw new TypeError(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const qs = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
}

async function readBody(response: Response): Promise<{ body: unknown; parsed: boolean }> {
  const text = await response.text();
  if (text === '') return { body: undefined, parsed: true };
  if (!/^application\/(?:[\w.+-]+\+)?json/i.test(response.headers.get('content-type') ?? '')) return { body: text, parsed: true };
  try {
    return { body: JSON.parse(text) as unknown, parsed: true };
  } catch {
    return { body: text, parsed: false };
  }
}

export function createClient(options: ClientOptions): Client {
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const tokens = options.tokens;
  let refreshing: Promise<string | undefined> | undefined;

  function refreshOnce(): Promise<string | undefined> {
    if (!tokens?.refresh) return Promise.resolve(undefined);
    refreshing ??= tokens.refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  async function send(method: Method, template: string, raw: RawOptions, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...raw.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (raw.ifMatch !== undefined) headers['if-match'] = String(raw.ifMatch);
    let body: string | undefined;
    if (raw.body !== undefined) {
      body = JSON.stringify(raw.body);
      headers['content-type'] = 'application/json';
    }
    const url = buildUrl(options.baseUrl, template, raw.params, raw.query);
    try {
      return await fetchImpl(url, { method: method.toUpperCase(), headers, body, signal: raw.signal });
    } catch (error) {
      const aborted = raw.signal?.aborted === true;
      throw new ApiError({
        status: 0,
        code: aborted ? 'ABORTED' : 'NETWORK_ERROR',
        message: aborted ? `${method.toUpperCase()} ${template} was aborted` : `${method.toUpperCase()} ${template} got no answer: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
  }

  async function request(method: Method, template: string, raw: RawOptions = {}): Promise<unknown> {
    const authenticated = !publicRoutes.has(`${method.toUpperCase()} ${template}`);
    const token = authenticated ? await tokens?.get() : undefined;
    let response = await send(method, template, raw, token);
    if (response.status === 401 && authenticated && tokens) {
      // Another call may have refreshed meanwhile: then its token is tried before refreshing again.
      const current = await tokens?.get();
      const fresh = current !== undefined && current !== token ? current : await refreshOnce().catch(() => undefined);
      if (fresh !== undefined) {
        await response.body?.cancel();
        response = await send(method, template, raw, fresh);
      }
    }
    const { body, parsed } = await readBody(response).catch((error: unknown) => {
      throw new ApiError({ status: response.status, code: 'NETWORK_ERROR', message: `The answer to ${method.toUpperCase()} ${template} was cut off`, requestId: response.headers.get('x-request-id'), cause: error });
    });
    const requestId = response.headers.get('x-request-id');
    if (!response.ok) throw errorFromResponse(response.status, body, requestId, response.headers.get('retry-after'));
    if (!parsed) throw new ApiError({ status: response.status, code: 'INVALID_RESPONSE', message: `The answer to ${method.toUpperCase()} ${template} is not valid JSON`, requestId, body });
    return body;
  }

  const call =
    (method: Method) =>
    (path: string, ...rest: unknown[]) =>
      request(method, path, rest[0] as RawOptions | undefined);

  async function* paginate(path: string, raw: RawOptions = {}): AsyncIterableIterator<unknown> {
    let cursor: string | undefined;
    do {
      const page = (await request('get', path, { ...raw, query: { ...raw.query, cursor } })) as { items: unknown[]; nextCursor: string | null };
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  // The typed surface is the Client interface; underneath, one untyped implementation serves every path.
  return {
    request: (method: Method, path: string, ...rest: unknown[]) => request(method, path, rest[0] as RawOptions | undefined),
    get: call('get'),
    post: call('post'),
    put: call('put'),
    patch: call('patch'),
    delete: call('delete'),
    paginate: (path: string, ...rest: unknown[]) => paginate(path, rest[0] as RawOptions | undefined),
  } as unknown as Client;
}
