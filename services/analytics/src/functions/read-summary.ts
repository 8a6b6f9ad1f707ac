// GET /analytics/summary → { days, totals, topEvents } (admins).
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { aggregatesReaderFromEnv, sketchCodec } from '../adapters/dependencies';
import { resolveRange } from '../domain/read-range';
import { readSummary } from '../domain/summary';
import { readSummaryRoute } from '../routes/read-summary';

const deps = dependencies({ reader: aggregatesReaderFromEnv, sketches: sketchCodec });

export const handler = http(readSummaryRoute).handler(async ({ query }) => ok(await readSummary(resolveRange(query, new Date()), deps)));
