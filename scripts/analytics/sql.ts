// npm run analytics:sql -- "<SQL>": SQL over the raw analytics events of the local platform, with DuckDB reading the
// very objects processEvents wrote to the S3 emulator (gzipped newline-delimited JSON under events/dt=/hr=). The view
// is named `events` with Athena's columns and string partitions, so one query text runs here and in the deployed
// stage's Athena workgroup (query `events` in the database photonotes_<stage>_analytics). Quote "at": it is a
// keyword in DuckDB (Athena accepts the quotes too).
//   --json          rows as JSON lines instead of a table
//   --data-dir DIR  the platform's data directory (default DEV_DATA_DIR, else .local)
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { repoRoot } from '../platform/service-definitions';

/** The local stage's bucket (serverless.common.yml: params.local.analyticsBucketName). */
export const localEventsBucket = 'photonotes-local-analytics';

/** Athena's columns (services/analytics/serverless.yml, EventsGlueTable), as DuckDB types. */
export const eventColumns: Record<string, string> = {
  id: 'VARCHAR',
  type: 'VARCHAR',
  at: 'TIMESTAMP',
  received_at: 'TIMESTAMP',
  install_id: 'VARCHAR',
  actor: 'VARCHAR',
  session_id: 'VARCHAR',
  platform: 'VARCHAR',
  app_version: 'VARCHAR',
  attributes: 'MAP(VARCHAR, VARCHAR)',
  metrics: 'MAP(VARCHAR, DOUBLE)',
};

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** s3rver keeps each object as `<key>._S3rver_object` in a folder per bucket. */
export function eventsGlob(dataDir: string): string {
  return path.join(dataDir, 's3', localEventsBucket, 'events', 'dt=*', 'hr=*', '*.json.gz._S3rver_object');
}

/** Creates the `events` view over the archive (an empty one with the same columns before anything was archived). */
export async function createEventsView(connection: DuckDBConnection, glob: string): Promise<void> {
  const columns = `{${Object.entries(eventColumns)
    .map(([name, type]) => `${JSON.stringify(name)}: ${quote(type)}`)
    .join(', ')}}`;
  const files = await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${quote(glob)})`);
  const found = Number(files.getRowObjects()[0]?.n ?? 0);
  if (found > 0) {
    await connection.run(
      `CREATE OR REPLACE VIEW events AS SELECT * FROM read_json(${quote(glob)}, format = 'newline_delimited', compression = 'gzip', ` +
        `hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hr': 'VARCHAR'}, columns = ${columns})`,
    );
  } else {
    const empty = Object.entries(eventColumns)
      .map(([name, type]) => `CAST(NULL AS ${type}) AS ${JSON.stringify(name)}`)
      .join(', ');
    await connection.run(`CREATE OR REPLACE VIEW events AS SELECT ${empty}, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS hr WHERE false`);
  }
}

export interface SqlResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/** Runs one statement over the archive in `dataDir`; rows as JSON-friendly values. */
export async function runEventsSql(sql: string, dataDir: string): Promise<SqlResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await createEventsView(connection, eventsGlob(dataDir));
    const reader = await connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Array<Record<string, unknown>> };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function table({ columns, rows }: SqlResult): string {
  const text = (value: unknown) => (value === null || value === undefined ? 'NULL' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  const cells = rows.map((row) => columns.map((column) => text(row[column])));
  const widths = columns.map((column, index) => Math.min(60, Math.max(column.length, ...cells.map((line) => (line[index] ?? '').length))));
  const line = (values: string[]) => values.map((value, index) => (value.length > (widths[index] ?? 0) ? `${value.slice(0, (widths[index] ?? 1) - 1)}…` : value.padEnd(widths[index] ?? 0))).join(' | ');
  return [line(columns), widths.map((width) => '-'.repeat(width)).join('-+-'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let json = false;
  let dataDir = process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local');
  const statements: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--json') json = true;
    else if (arg === '--data-dir') dataDir = path.resolve(args[++index] ?? '');
    else statements.push(arg);
  }
  if (statements.length !== 1) {
    process.stderr.write('usage: npm run analytics:sql -- [--json] [--data-dir DIR] "<SQL>"   (the view is `events`; e.g. "SELECT type, count(*) FROM events GROUP BY type")\n');
    process.exitCode = 2;
    return;
  }
  try {
    const result = await runEventsSql(statements[0] as string, dataDir);
    process.stdout.write(json ? result.rows.map((row) => JSON.stringify(row)).join('\n') + (result.rows.length ? '\n' : '') : `${table(result)}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
