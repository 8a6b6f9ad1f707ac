// `GET /things/{thingId}/telemetry`: one key-range read of one series at one resolution, oldest first.
import { ownedThing } from './access';
import type { Caller, IotDeps } from './deps';
import type { Resolution } from './resolutions';
import { average } from './rollups';
import type { TelemetryQueryInput } from './telemetry-query';
import { resolveTelemetryQuery } from './telemetry-query';

export type TelemetryItem = { at: string; value: number } | { at: string; min: number; max: number; avg: number; count: number };

export interface TelemetryPage {
  metric: string;
  resolution: Resolution;
  items: TelemetryItem[];
  nextCursor: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function readTelemetry(thingIdText: string, input: TelemetryQueryInput, caller: Caller, deps: Pick<IotDeps, 'things' | 'telemetry' | 'now'>): Promise<TelemetryPage> {
  const { thingId } = await ownedThing(thingIdText, caller, deps);
  const query = resolveTelemetryQuery(input, deps.now());
  const series = { thingId, metric: query.metric };
  const page = { limit: query.limit, cursor: query.cursor };
  if (query.resolution === 'raw') {
    const result = await deps.telemetry.queryReadings(series, query.from, query.to, page);
    return { metric: query.metric, resolution: 'raw', items: result.items.map(({ ts, value }) => ({ at: iso(ts), value })), nextCursor: result.nextCursor };
  }
  const result = await deps.telemetry.queryBuckets(series, query.resolution, query.from, query.to, page);
  return {
    metric: query.metric,
    resolution: query.resolution,
    items: result.items.map(({ start, bucket }) => ({ at: iso(start), min: bucket.min, max: bucket.max, avg: average(bucket), count: bucket.count })),
    nextCursor: result.nextCursor,
  };
}
