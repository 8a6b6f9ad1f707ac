// Holds real answers to the document: a fetch wrapper records every call the client makes, and `problems()` checks
// each answer against the response schema its route module declares (src/routes; the schemas docs/openapi.json is
// generated from). A field the API sends but the document does not name is a problem too: the document must not
// drift from what the handlers return.
import type { RouteSpec } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';
import { ErrorBodySchema } from '../../scripts/openapi/error-body';
import { loadServiceRoutes } from '../../scripts/openapi/generate';

interface Exchange {
  method: string;
  pathname: string;
  status: number;
  contentType: string;
  text: string;
}

interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
}

function compile(route: RouteSpec): CompiledRoute {
  const source = route.path
    .split('/')
    .map((segment) => (/^\{[^}]+\+\}$/.test(segment) ? '.+' : /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`) };
}

/** The same data with object keys sorted, so two JSON values compare by content. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, canonical(item)]),
  );
}

export interface ConformanceRecorder {
  fetch: typeof fetch;
  /** `METHOD /route` of every answer checked so far. */
  covered(): Promise<string[]>;
  /** Every answer whose body does not match its documented schema, or whose route or status is undocumented. */
  problems(): Promise<string[]>;
}

export function conformanceRecorder(inner: typeof fetch = fetch): ConformanceRecorder {
  const exchanges: Exchange[] = [];
  const routes = loadServiceRoutes().then((services) => services.flatMap((service) => service.routes.map(compile)));

  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await inner(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const text = await response.clone().text();
    exchanges.push({ method, pathname: url.pathname, status: response.status, contentType: response.headers.get('content-type') ?? '', text });
    return response;
  };

  async function check(): Promise<{ covered: Set<string>; problems: string[] }> {
    const compiled = await routes;
    const covered = new Set<string>();
    const problems: string[] = [];
    for (const exchange of exchanges) {
      const where = `${exchange.method} ${exchange.pathname} → ${exchange.status}`;
      const match = compiled.find(({ route, pattern }) => route.method === exchange.method && pattern.test(decodeURI(exchange.pathname)));
      if (!match) {
        problems.push(`${where}: no such route in the document`);
        continue;
      }
      covered.add(`${match.route.method} ${match.route.path}`);
      const documented = match.route.responses[exchange.status];
      const isError = exchange.status >= 400 && !documented;
      if (!documented && !isError) {
        problems.push(`${where}: status ${exchange.status} is not documented`);
        continue;
      }
      const schema = isError ? ErrorBodySchema : documented?.schema;
      if (!schema || !exchange.contentType.startsWith('application/json')) continue;
      const body = JSON.parse(exchange.text) as unknown;
      const parsed = z.safeParse(schema, body);
      if (!parsed.success) {
        problems.push(`${where}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      } else if (JSON.stringify(canonical(parsed.data)) !== JSON.stringify(canonical(body))) {
        problems.push(`${where}: the answer has fields the document does not name: ${exchange.text.slice(0, 300)}`);
      }
    }
    return { covered, problems };
  }

  return {
    fetch: recordingFetch,
    covered: async () => [...(await check()).covered].sort(),
    problems: async () => (await check()).problems,
  };
}
