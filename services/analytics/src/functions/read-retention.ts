// GET /analytics/retention → { cohorts } (admins).
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { aggregatesReaderFromEnv } from '../adapters/dependencies';
import { resolveRange } from '../domain/read-range';
import { readRetention } from '../domain/retention';
import { readRetentionRoute } from '../routes/read-retention';

const deps = dependencies({ reader: aggregatesReaderFromEnv });

export const handler = http(readRetentionRoute).handler(async ({ query }) => ok(await readRetention(resolveRange(query, new Date()), query.period, deps.reader)));
