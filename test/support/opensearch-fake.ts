// A small HTTP server that speaks Amazon OpenSearch's `_bulk` API, for tests of the log shipper: it parses each
// NDJSON request into action/document pairs, keeps the documents by index and id (an `index` action with the same
// id replaces the document, as OpenSearch does), and answers per item the way OpenSearch does. It can be told to
// fail one item (its next indexing) or whole requests. It checks no signature: tests read `requests` for that.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BulkAction {
  action: string;
  index: string;
  id: string;
  source: Record<string, unknown>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  actions: BulkAction[];
}

export interface ItemFailure {
  status: number;
  type: string;
  reason: string;
}

export interface OpenSearchFake {
  url: string;
  requests: ReceivedRequest[];
  /** Documents stored, by `<index>/<id>`. */
  documents: Map<string, Record<string, unknown>>;
  /** The next indexing of this id fails with `failure` (once per call; call again to fail it twice). */
  failItem(id: string, failure: ItemFailure): void;
  /** The next `count` requests are answered `status` with an error body, nothing stored. */
  failRequests(count: number, status: number): void;
  close(): Promise<void>;
}

function parseBulk(body: string): BulkAction[] {
  const lines = body.split('\n').filter((line) => line !== '');
  const actions: BulkAction[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const header = JSON.parse(lines[i] ?? '{}') as Record<string, { _index?: string; _id?: string }>;
    const [action = ''] = Object.keys(header);
    const meta = header[action] ?? {};
    actions.push({ action, index: meta._index ?? '', id: meta._id ?? '', source: JSON.parse(lines[i + 1] ?? '{}') as Record<string, unknown> });
  }
  return actions;
}

export async function startOpenSearchFake(): Promise<OpenSearchFake> {
  const requests: ReceivedRequest[] = [];
  const documents = new Map<string, Record<string, unknown>>();
  const itemFailures = new Map<string, ItemFailure[]>();
  let failing = { count: 0, status: 500 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || !path.endsWith('/_bulk')) {
        answer(404, { error: { type: 'not_found', reason: `no handler for ${req.method} ${path}` }, status: 404 });
        return;
      }
      let actions: BulkAction[];
      try {
        actions = parseBulk(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(400, { error: { type: 'json_parse_exception', reason: 'malformed NDJSON' }, status: 400 });
        return;
      }
      requests.push({ method: req.method, path, headers: req.headers, actions });
      if (failing.count > 0) {
        failing = { ...failing, count: failing.count - 1 };
        answer(failing.status, { error: { type: 'cluster_block_exception', reason: 'injected request failure' }, status: failing.status });
        return;
      }
      const started = Date.now();
      const items = actions.map(({ action, index, id, source }) => {
        const failure = itemFailures.get(id)?.shift();
        if (failure) return { [action]: { _index: index, _id: id, status: failure.status, error: { type: failure.type, reason: failure.reason } } };
        const key = `${index}/${id}`;
        const created = !documents.has(key);
        documents.set(key, source);
        return { [action]: { _index: index, _id: id, _version: 1, result: created ? 'created' : 'updated', status: created ? 201 : 200, _shards: { total: 2, successful: 1, failed: 0 } } };
      });
      answer(200, { took: Date.now() - started, errors: items.some((item) => Object.values(item)[0]?.error !== undefined), items });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    documents,
    failItem: (id, failure) => itemFailures.set(id, [...(itemFailures.get(id) ?? []), failure]),
    failRequests: (count, status) => {
      failing = { count, status };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
