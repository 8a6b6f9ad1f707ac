// The README's per-operation table of the last full load run is generated from bench/results/load.json
// (support/load-table.ts): the two stay equal, and the generator replaces only what is between its markers.
import { readFileSync } from 'node:fs';
import { endMarker, loadResultPath, loadTable, readmeLoadTable, readmePath, startMarker, withLoadTable, type LoadResult } from '../support/load-table';

const result: LoadResult = {
  recordedAt: '2026-11-30T23:26:41.151Z',
  users: 2,
  things: 1,
  seconds: 10.5,
  seed: 7,
  requests: 30,
  throughputPerSecond: 2.9,
  operations: {
    search: { count: 5, perSecond: 0.48, p50Ms: 12.34, p95Ms: 150.2, p99Ms: 1500.7 },
    'notes.create': { count: 20, perSecond: 1.9, p50Ms: 101, p95Ms: 300, p99Ms: 900 },
  },
};

describe("the README's load table", () => {
  it('lists every operation of the result, busiest first, with count, per second and p50/p95/p99', () => {
    // Act
    const table = loadTable(result);

    // Assess
    expect(table.split('\n')).toEqual([
      'Load section of the last full run, 2026-11-30 (seed 7): 2 users and 1 things for 10.5 s, 30 requests and readings, 2.9 a second.',
      '',
      '| operation | count | per second | p50 ms | p95 ms | p99 ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      '| `notes.create` | 20 | 1.9 | 101 | 300 | 900 |',
      '| `search` | 5 | 0.48 | 12.3 | 150 | 1501 |',
    ]);
  });

  it('replaces only what is between the markers', () => {
    // Prepare
    const readme = `before\n${startMarker}\nold table\n${endMarker}\nafter\n`;

    // Act
    const rewritten = withLoadTable(readme, 'new table');

    // Assess
    expect(rewritten).toBe(`before\n${startMarker}\nnew table\n${endMarker}\nafter\n`);
    expect(() => withLoadTable('no markers', 'x')).toThrow('needs');
  });

  it('is in the README as bench/results/load.json has it', () => {
    // Prepare
    const readme = readFileSync(readmePath, 'utf8');
    const recorded = JSON.parse(readFileSync(loadResultPath, 'utf8')) as LoadResult;

    // Act
    const shown = readmeLoadTable(readme);

    // Assess: after a full run, `npx tsx test/resilience/support/load-table.ts` brings the README up to date.
    expect(shown).toBe(loadTable(recorded));
  });
});
