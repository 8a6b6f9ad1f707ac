// How the analytics functions get their dependencies (README, "Wiring a service"): a getter per capability, built
// on first use and kept for the container's life, each reading its own environment variables. Getters are function
// declarations, so esbuild drops the ones a function does not use (the ingest route never bundles S3).
import { randomUUID } from 'node:crypto';
import { requireEnv } from '@photonotes/shared/env';
import { s3Client } from '@photonotes/shared/s3';
import { eventAggregates } from '../domain/aggregates';
import type { AggregatesReader, ActorKeys, EventAggregates, EventArchive, EventBuffer, EventClaims, InstallRates } from '../domain/ports';
import { hyperLogLogSketches } from '../domain/sketch';
import type { SketchCodec } from '../domain/sketch';
import { actorKeysTable } from './actor-keys-table';
import { aggregatesReads } from './aggregates-reads';
import { aggregatesWrites } from './aggregates-writes';
import { bufferTable } from './buffer-table';
import { eventClaimsTable } from './event-claims';
import { eventsArchive } from './events-archive';
import { installRatesTable } from './install-rates';

export function bufferTableName(): string {
  return requireEnv('BUFFER_TABLE');
}

export function aggregatesTableName(): string {
  return requireEnv('AGGREGATES_TABLE');
}

export function actorKeysTableName(): string {
  return requireEnv('ACTOR_KEYS_TABLE');
}

let actorKeys: ActorKeys | undefined;
export function actorKeysFromEnv(): ActorKeys {
  return (actorKeys ??= actorKeysTable({ tableName: actorKeysTableName() }));
}

let rates: InstallRates | undefined;
export function installRatesFromEnv(): InstallRates {
  return (rates ??= installRatesTable({ tableName: aggregatesTableName() }));
}

let buffer: EventBuffer | undefined;
export function eventBufferFromEnv(): EventBuffer {
  return (buffer ??= bufferTable({ tableName: bufferTableName() }));
}

let claims: EventClaims | undefined;
export function eventClaimsFromEnv(): EventClaims {
  return (claims ??= eventClaimsTable({ tableName: aggregatesTableName() }));
}

let archive: EventArchive | undefined;
export function eventArchiveFromEnv(): EventArchive {
  return (archive ??= eventsArchive({ bucket: requireEnv('EVENTS_BUCKET'), client: s3Client() }));
}

let aggregates: EventAggregates | undefined;
export function aggregatesFromEnv(): EventAggregates {
  return (aggregates ??= eventAggregates({ store: aggregatesWrites({ tableName: aggregatesTableName() }), sketches: hyperLogLogSketches }));
}

let aggregatesReader: AggregatesReader | undefined;
export function aggregatesReaderFromEnv(): AggregatesReader {
  return (aggregatesReader ??= aggregatesReads({ tableName: aggregatesTableName() }));
}

export function sketchCodec(): SketchCodec {
  return hyperLogLogSketches;
}

export function newBatchId(): string {
  return randomUUID();
}
