// Product metrics (README, "Operations: metrics"): what the product does, counted where it happens. Domain code
// is given a `Metrics` port through its dependencies; the deployed implementation (metrics-emf.ts) writes
// CloudWatch Embedded Metric Format lines with Powertools Metrics, unit tests use `fakeMetrics()`.
// The catalogue below is the only place metric names and units are spelled: `metrics-catalogue.json` is its copy
// for the dashboard (scripts/serverless/ops-alarms.cjs), and a unit test keeps the two equal.

export const metricsNamespace = 'PhotoNotes';

/** Every metric the product emits, with its CloudWatch unit. Dimensions are `service` and `stage` only (cost). */
export const metricCatalogue = {
  NotesCreated: 'Count',
  NotesUpdated: 'Count',
  NotesDeleted: 'Count',
  /** Users a note was newly shared with (on create, and sharees an update adds). */
  NoteShares: 'Count',
  UploadsProcessed: 'Count',
  UploadsFailed: 'Count',
  UploadProcessingTime: 'Milliseconds',
  PushesSent: 'Count',
  PushesFailed: 'Count',
  SearchLatency: 'Milliseconds',
  TelemetryStored: 'Count',
  TelemetryDropped: 'Count',
  AnalyticsEventsAccepted: 'Count',
  AnalyticsEventsRejected: 'Count',
  /** Records an event consumer reported failed: delivered again, then dead-lettered. */
  ConsumerRecordsFailed: 'Count',
} as const;

export type MetricName = keyof typeof metricCatalogue;
export type MetricUnit = (typeof metricCatalogue)[MetricName];
export type CountMetric = { [K in MetricName]: (typeof metricCatalogue)[K] extends 'Count' ? K : never }[MetricName];
export type DurationMetric = { [K in MetricName]: (typeof metricCatalogue)[K] extends 'Milliseconds' ? K : never }[MetricName];

export interface Metrics {
  /** Adds `n` (default 1) to a count; a count of 0 records nothing. */
  count(name: CountMetric, n?: number): void;
  duration(name: DurationMetric, ms: number): void;
}

/** Records nothing: for code paths that have no metrics to give (scripts, benchmarks). */
export const noMetrics: Metrics = { count: () => undefined, duration: () => undefined };

export interface RecordedMetric {
  name: MetricName;
  unit: MetricUnit;
  value: number;
}

export interface FakeMetrics extends Metrics {
  readonly recorded: RecordedMetric[];
  /** The sum of every value recorded under `name` (0 when none). */
  total(name: MetricName): number;
}

/** Keeps what was recorded, for unit tests to assert on. */
export function fakeMetrics(): FakeMetrics {
  const recorded: RecordedMetric[] = [];
  return {
    recorded,
    count(name, n = 1) {
      if (n !== 0) recorded.push({ name, unit: metricCatalogue[name], value: n });
    },
    duration(name, ms) {
      recorded.push({ name, unit: metricCatalogue[name], value: ms });
    },
    total: (name) => recorded.filter((metric) => metric.name === name).reduce((sum, metric) => sum + metric.value, 0),
  };
}

// The flush: the HTTP chain and the consumer factories flush once at the end of every invocation. Implementations
// that buffer (metrics-emf.ts) register here when they are built, so the chain flushes without importing them, and
// a function that never records a metric bundles no Powertools and pays nothing but an empty-set check.
export interface Flushable {
  /** Writes what was recorded since the last flush; nothing at all when nothing was. */
  flush(): void;
}

const buffered = new Set<Flushable>();

export function registerFlush(metrics: Flushable): void {
  buffered.add(metrics);
}

/** Flushes every buffered implementation of this process; never throws (metrics must not fail a request). */
export function flushMetrics(): void {
  if (buffered.size === 0) return;
  for (const metrics of buffered) {
    try {
      metrics.flush();
    } catch {
      // A metrics failure loses the metrics, never the invocation.
    }
  }
}
