// Logs to search (README, "Operations: logs to search"): what a CloudWatch Logs subscription hands the shipper,
// turned into OpenSearch documents. Each log event becomes one document in the day's index, with the CloudWatch
// event id as its `_id`, so a batch delivered again (Lambda's retries of the async invoke) overwrites itself.
import { gunzipSync } from 'node:zlib';

/** One log event of a subscription message. */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

/** The decoded `awslogs.data` of a CloudWatch Logs subscription event. */
export interface SubscriptionMessage {
  messageType: string;
  owner?: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters?: string[];
  logEvents: LogEvent[];
}

export interface LogsSubscriptionEvent {
  awslogs: { data: string };
}

export type DocumentSource = Record<string, unknown>;

export interface LogDocument {
  index: string;
  id: string;
  source: DocumentSource;
  /** The log line as CloudWatch holds it. */
  raw: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `awslogs.data`: base64 of the gzip of the JSON message. Throws on anything else (the event is kept for redrive). */
export function decodeSubscriptionData(data: string): SubscriptionMessage {
  const parsed: unknown = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
  if (!isRecord(parsed) || typeof parsed.messageType !== 'string' || typeof parsed.logGroup !== 'string' || !Array.isArray(parsed.logEvents)) {
    throw new Error('awslogs.data is not a CloudWatch Logs subscription message');
  }
  const logEvents = parsed.logEvents.filter(
    (event): event is LogEvent => isRecord(event) && typeof event.id === 'string' && typeof event.timestamp === 'number' && typeof event.message === 'string',
  );
  return {
    messageType: parsed.messageType,
    logGroup: parsed.logGroup,
    logStream: typeof parsed.logStream === 'string' ? parsed.logStream : '',
    ...(typeof parsed.owner === 'string' ? { owner: parsed.owner } : {}),
    logEvents,
  };
}

/** The day's index of the stage: `<prefix>-YYYY.MM.DD` (UTC), the usual daily pattern, so old days drop as a whole. */
export function indexName(prefix: string, timestamp: number): string {
  const iso = new Date(timestamp).toISOString();
  return `${prefix}-${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`;
}

/** `/aws/lambda/photonotes-core-api-dev-createNote` → `photonotes-core-api-dev-createNote`. */
export function functionOf(logGroup: string): string {
  return logGroup.replace(/^\/aws\/lambda\//, '');
}

const reportFields: Array<[string, string]> = [
  ['Duration', 'durationMs'],
  ['Billed Duration', 'billedDurationMs'],
  ['Memory Size', 'memorySizeMb'],
  ['Max Memory Used', 'maxMemoryUsedMb'],
  ['Init Duration', 'initDurationMs'],
];

/**
 * Lambda's own lines: START and END carry the invocation's id; REPORT also its figures, parsed into numbers so
 * search can sort and chart them (`durationMs`, `billedDurationMs`, `memorySizeMb`, `maxMemoryUsedMb`, and
 * `initDurationMs` on a cold start).
 */
function lambdaLine(message: string): DocumentSource | undefined {
  const match = /^(START|END|REPORT) RequestId: ([0-9a-fA-F-]+)/.exec(message);
  if (!match) return undefined;
  const fields: DocumentSource = { type: match[1], awsRequestId: match[2], message: message.trimEnd() };
  if (match[1] === 'REPORT') {
    for (const [label, field] of reportFields) {
      const figure = new RegExp(`\\t${label}: ([0-9.]+)`).exec(message);
      if (figure?.[1] !== undefined) fields[field] = Number(figure[1]);
    }
    const trace = /XRAY TraceId: ([^\t\s]+)/.exec(message);
    if (trace?.[1] !== undefined) fields.traceId = trace[1];
  }
  return fields;
}

/** Our structured lines (shared/src/log.ts): one JSON object; its fields become the document's. */
function jsonLine(text: string): DocumentSource | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The Node.js runtime's console format: `<time>\t<awsRequestId>\t<LEVEL>\t<text>`. */
function consoleLine(message: string): DocumentSource | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T[^\t]+)\t([0-9a-fA-F-]{36}|undefined)\t([A-Z]+)\t([\s\S]*)$/.exec(message);
  if (!match) return undefined;
  const [, , awsRequestId, level, text = ''] = match;
  const fields = jsonLine(text) ?? { message: text.trimEnd() };
  return { level: (level ?? '').toLowerCase(), ...(awsRequestId !== 'undefined' ? { awsRequestId } : {}), ...fields };
}

/**
 * The fields of one log line: a structured JSON line as it is; Lambda's START/END/REPORT lines and the runtime's
 * console lines parsed; anything else as a plain `message`.
 */
export function parseLogLine(message: string): DocumentSource {
  return jsonLine(message) ?? lambdaLine(message) ?? consoleLine(message) ?? { message: message.trimEnd() };
}

/** The fields the shipper sets on every document; a line's own fields of the same names give way. */
function context(message: SubscriptionMessage, event: LogEvent): DocumentSource {
  return { '@timestamp': new Date(event.timestamp).toISOString(), logGroup: message.logGroup, logStream: message.logStream, function: functionOf(message.logGroup) };
}

/** The documents of a DATA_MESSAGE; none for a CONTROL_MESSAGE (CloudWatch's check that the destination is reachable). */
export function logDocuments(message: SubscriptionMessage, indexPrefix: string): LogDocument[] {
  if (message.messageType !== 'DATA_MESSAGE') return [];
  return message.logEvents.map((event) => ({
    index: indexName(indexPrefix, event.timestamp),
    id: event.id,
    source: { ...parseLogLine(event.message), ...context(message, event) },
    raw: event.message,
  }));
}

/**
 * The same event reduced to the shipper's fields and the raw line: what is sent again when OpenSearch refuses a
 * document (a field whose type conflicts with the index's mapping), so the line still reaches search.
 */
export function plainDocument(document: LogDocument): LogDocument {
  const { '@timestamp': timestamp, logGroup, logStream, function: fn } = document.source;
  return { ...document, source: { '@timestamp': timestamp, logGroup, logStream, function: fn, message: document.raw, unparsed: true } };
}

/** A `_bulk` request body: NDJSON, one `index` action line and one document line per document, ending in a newline. */
export function bulkBody(documents: LogDocument[]): string {
  return documents.map((doc) => `${JSON.stringify({ index: { _index: doc.index, _id: doc.id } })}\n${JSON.stringify(doc.source)}\n`).join('');
}

/** Splits documents into `_bulk` bodies of at most `maxBytes` each (a single larger document goes alone). */
export function bulkChunks(documents: LogDocument[], maxBytes: number): LogDocument[][] {
  const chunks: LogDocument[][] = [];
  let current: LogDocument[] = [];
  let size = 0;
  for (const doc of documents) {
    const bytes = Buffer.byteLength(bulkBody([doc]));
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(doc);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
