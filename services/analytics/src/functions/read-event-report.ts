// GET /analytics/events/{type} → { type, days, by } (admins).
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { aggregatesReaderFromEnv } from '../adapters/dependencies';
import { readEventReport } from '../domain/event-report';
import { resolveRange } from '../domain/read-range';
import { readEventReportRoute } from '../routes/read-event-report';

const deps = dependencies({ reader: aggregatesReaderFromEnv });

export const handler = http(readEventReportRoute).handler(async ({ path, query }) => ok(await readEventReport(path.type, resolveRange(query, new Date()), query.by, deps.reader)));
