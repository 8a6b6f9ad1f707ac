// The deployed `Metrics` (metrics.ts): Powertools Metrics, which buffers what is recorded and writes it as one
// CloudWatch Embedded Metric Format line (a JSON object with `_aws`) on stdout when flushed. CloudWatch Logs turns
// those lines into metrics of the namespace PhotoNotes: no API call and no IAM permission beyond the log group's.
// Flushed once per invocation by the HTTP chain and the consumer factories (metrics.ts, `flushMetrics`).
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { metricCatalogue, metricsNamespace, registerFlush } from './metrics';
import type { Metrics } from './metrics';

export interface EmfMetricsOptions {
  service: string;
  /** Defaults to STAGE (every function has it, serverless.common.yml), else `local`. */
  stage?: string;
  /** Where EMF lines go; tests pass a collector. Defaults to stdout, next to the log lines. */
  write?: (line: string) => void;
}

const perService = new Map<string, Metrics>();

/** The process's metrics for `service`, built once and registered for the per-invocation flush. */
export function emfMetrics(options: EmfMetricsOptions): Metrics {
  const existing = options.write === undefined ? perService.get(options.service) : undefined;
  if (existing) return existing;
  const built = buildEmfMetrics(options);
  if (options.write === undefined) perService.set(options.service, built);
  return built;
}

function buildEmfMetrics(options: EmfMetricsOptions): Metrics {
  const powertools = new PowertoolsMetrics({
    namespace: metricsNamespace,
    serviceName: options.service,
    defaultDimensions: { stage: options.stage ?? process.env.STAGE ?? 'local' },
  });
  powertools.setThrowOnEmptyMetrics(false);
  const write = options.write;
  // Powertools writes with a Console of its own; a collector replaces it, as the logger's `write` does.
  if (write) (powertools as unknown as { console: { log: (line: string) => void } }).console = { log: (line) => write(line + '\n') };
  registerFlush({
    flush: () => {
      // Only when something was recorded: Powertools warns on an empty flush.
      if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
    },
  });
  return {
    count(name, n = 1) {
      if (n !== 0) powertools.addMetric(name, metricCatalogue[name], n);
    },
    duration(name, ms) {
      powertools.addMetric(name, metricCatalogue[name], Math.max(0, Math.round(ms)));
    },
  };
}
