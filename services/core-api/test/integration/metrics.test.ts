// Product metrics on the local platform: the HTTP chain flushes what a request recorded as one Embedded Metric
// Format line on the function's stdout, which the platform keeps in its log file (deployed, CloudWatch Logs reads
// the same line as metrics of the namespace PhotoNotes).
import { readFileSync } from 'node:fs';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import { createNote } from '../support/notes-api';

jest.setTimeout(60_000);

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [field: string]: unknown;
}

/** The EMF lines core-api wrote (its prefix in the platform log is `core-api      | `) that hold `metric`. */
function coreApiMetricLines(metric: string): EmfLine[] {
  const file = process.env.TEST_PLATFORM_LOG_FILE;
  if (!file) throw new Error('TEST_PLATFORM_LOG_FILE is not set: integration tests run through the jest global setup');
  const prefix = ` ${'core-api'.padEnd(14)}| {`;
  const lines: EmfLine[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const start = line.indexOf(prefix);
    if (start < 0 || !line.includes('"_aws"')) continue;
    try {
      const entry = JSON.parse(line.slice(start + prefix.length - 1)) as EmfLine;
      if (entry[metric] !== undefined) lines.push(entry);
    } catch {
      // Not a whole JSON line.
    }
  }
  return lines;
}

describe('product metrics', () => {
  it('writes a NotesCreated EMF line for a created note, with its namespace, dimensions and unit', async () => {
    // Prepare
    const alice = await createTestUser('metrics');
    const before = coreApiMetricLines('NotesCreated').length;

    // Act
    const res = await createNote(alice, { title: 'Counted' });

    // Assess
    expect(res.status).toBe(201);
    const lines = await eventually(async () => coreApiMetricLines('NotesCreated'), (found) => found.length > before, 10_000);
    const line = lines[lines.length - 1];
    expect(lines).toHaveLength(before + 1);
    expect(line).toMatchObject({ service: 'core-api', stage: expect.any(String), NotesCreated: 1 });
    expect(line?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'PhotoNotes', Dimensions: [['service', 'stage']], Metrics: expect.arrayContaining([{ Name: 'NotesCreated', Unit: 'Count' }]) });
  });
});
