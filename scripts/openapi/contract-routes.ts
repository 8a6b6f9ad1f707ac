// The routes of the written contract (docs/API.md) against the operations of the generated document
// (docs/openapi.json). API.md marks what is not built yet: a heading with `planned: #N` covers its section, and
// `**Planned (#N)**` covers the text after it up to the end of its parenthesis or, outside parentheses, of its
// list item (nested items included). Only unmarked routes must exist; a route still marked planned must not.

/** `METHOD /path`, query string stripped, path parameters as written (`/notes/{id}`). */
export type Route = string;

export interface ContractRoutes {
  /** Routes mentioned at least once outside planned text. */
  built: Route[];
  /** Routes mentioned only in planned text, with the issues that build them. */
  planned: Map<Route, number[]>;
}

export interface RouteDifferences {
  /** Built in the contract, absent from the document. */
  missingFromDocument: Route[];
  /** In the document, absent from the contract (or only planned there). */
  missingFromContract: Route[];
}

const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
// A code span that is a route: "`GET /notes?scope=own|shared`". The `/realtime` WebSocket is written without a
// method, so it is not taken for one: OpenAPI describes HTTP operations only.
const routeSpan = new RegExp(`^(${httpMethods.join('|')}) (/[^\\s?]*)`);
const plannedMarker = /^\*\*Planned \((#\d+(?:, #\d+)*)\)\*\*/;
const plannedHeading = /planned: (#\d+(?:, #\d+)*)/;
const heading = /^(#{1,6}) /;
const listItem = /^(\s*)[-*+] /;

/** Routes only the document has, by design: each service's own health route and Swagger UI's files. */
const documentOnly = [/^GET \/health\/[a-z0-9-]+$/, /^GET \/docs\/assets\/\{file\}$/];

function issueNumbers(list: string): number[] {
  return list.split(', ').map((issue) => Number(issue.slice(1)));
}

/** A list item or paragraph: its indent, open parentheses, and the planned scopes open in it. */
interface Block {
  indent: number;
  depth: number;
  scopes: Array<{ issues: number[]; depth: number }>;
  inherited: number[] | null;
}

function activePlan(block: Block): number[] | null {
  return block.scopes.at(-1)?.issues ?? block.inherited;
}

export function readContractRoutes(markdown: string): ContractRoutes {
  const built = new Set<Route>();
  const planned = new Map<Route, number[]>();
  const headings: Array<{ level: number; issues: number[] | null }> = [];
  let blocks: Block[] = [];

  for (const line of markdown.split('\n')) {
    const headingMatch = heading.exec(line);
    if (headingMatch) {
      const level = headingMatch[1]?.length ?? 1;
      while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
      const marked = plannedHeading.exec(line)?.[1];
      headings.push({ level, issues: marked ? issueNumbers(marked) : null });
      blocks = [];
      continue;
    }
    if (line.trim() === '') {
      blocks = [];
      continue;
    }
    const item = listItem.exec(line);
    if (item || blocks.length === 0) {
      const indent = item?.[1]?.length ?? 0;
      while ((blocks.at(-1)?.indent ?? -1) >= indent) blocks.pop();
      const parent = blocks.at(-1);
      blocks.push({ indent, depth: 0, scopes: [], inherited: parent ? activePlan(parent) : null });
    }
    const block = blocks.at(-1) as Block;
    const sectionPlan = [...headings].reverse().find((h) => h.issues)?.issues ?? null;

    for (let i = 0; i < line.length; i++) {
      const rest = line.slice(i);
      const marker = plannedMarker.exec(rest);
      if (marker) {
        block.scopes.push({ issues: issueNumbers(marker[1] ?? ''), depth: block.depth });
        i += marker[0].length - 1;
      } else if (rest.startsWith('`')) {
        const end = line.indexOf('`', i + 1);
        if (end < 0) break;
        const route = routeSpan.exec(line.slice(i + 1, end));
        if (route) {
          const name = `${route[1]} ${route[2]}`;
          const plan = sectionPlan ?? activePlan(block);
          if (plan) planned.set(name, [...new Set([...(planned.get(name) ?? []), ...plan])]);
          else built.add(name);
        }
        i = end;
      } else if (rest.startsWith('(')) {
        block.depth++;
      } else if (rest.startsWith(')')) {
        block.depth = Math.max(0, block.depth - 1);
        block.scopes = block.scopes.filter((scope) => scope.depth <= block.depth);
      }
    }
  }

  for (const route of built) planned.delete(route);
  return { built: [...built].sort(), planned: new Map([...planned].sort(([a], [b]) => a.localeCompare(b))) };
}

/** Every operation of an OpenAPI document as `METHOD /path`. */
export function documentRoutes(document: { paths?: Record<string, Record<string, unknown>> }): Route[] {
  const methods = new Set<string>(httpMethods);
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) => Object.keys(item).map((key) => `${key.toUpperCase()} ${path}`))
    .filter((route) => methods.has(route.split(' ')[0] ?? ''))
    .sort();
}

export function compareRoutes(contract: ContractRoutes, documented: Route[]): RouteDifferences {
  const inDocument = new Set(documented);
  const inContract = new Set(contract.built);
  return {
    missingFromDocument: contract.built.filter((route) => !inDocument.has(route)),
    missingFromContract: documented.filter((route) => !inContract.has(route) && !documentOnly.some((allowed) => allowed.test(route))),
  };
}

/** One line per difference, naming the route and what to do; empty when the two agree. */
export function describeDifferences(contract: ContractRoutes, documented: Route[]): string[] {
  const { missingFromDocument, missingFromContract } = compareRoutes(contract, documented);
  return [
    ...missingFromDocument.map((route) => `${route}: in docs/API.md but not in docs/openapi.json (build it, or mark it planned)`),
    ...missingFromContract.map((route) => {
      const issues = contract.planned.get(route);
      return issues
        ? `${route}: in docs/openapi.json but still marked planned (${issues.map((n) => `#${n}`).join(', ')}) in docs/API.md: mark it done`
        : `${route}: in docs/openapi.json but not in docs/API.md`;
    }),
  ];
}
