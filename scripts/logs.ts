// `npm run logs -- --request-id <id> [--service <name>]... [--level <min>] [--since <10m | ISO time>] [--file <path>]... [--all]`:
// every line of the local platform's logs (.local/logs/) that names the id, as request id, correlation id or the
// function's request id, across all services, in time order. Without --file: the newest platform log (dev.log of
// `npm run dev` or a test run's test-platform-<pid>.log); --all reads every one of them. See README, "Logs".
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatLine, isLevel, parseSince, platformLogFiles, readJourney } from './platform/log-journey';
import type { JourneyFilter } from './platform/log-journey';
import { repoRoot } from './platform/service-definitions';

const usage = 'usage: npm run logs -- [--request-id <id>] [--service <name>]... [--level debug|info|warn|error] [--since <10m|ISO time>] [--file <path>]... [--all] [--json]';

function main(): number {
  const { values } = parseArgs({
    options: {
      'request-id': { type: 'string' },
      service: { type: 'string', multiple: true },
      level: { type: 'string' },
      since: { type: 'string' },
      file: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const filter: JourneyFilter = {};
  if (values['request-id'] !== undefined) filter.requestId = values['request-id'];
  if (values.service) filter.services = values.service.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  if (values.level !== undefined) {
    const level = values.level.toLowerCase();
    if (!isLevel(level)) {
      console.error(`--level must be debug, info, warn or error\n${usage}`);
      return 2;
    }
    filter.minLevel = level;
  }
  if (values.since !== undefined) {
    const since = parseSince(values.since);
    if (!since) {
      console.error(`--since takes a duration (90s, 10m, 2h, 1d) or an ISO-8601 time\n${usage}`);
      return 2;
    }
    filter.since = since;
  }
  const logDir = path.join(process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local'), 'logs');
  const available = platformLogFiles(logDir);
  const files = values.file ?? (values.all ? available : available.slice(0, 1));
  if (files.length === 0) {
    console.error(`No platform log in ${path.relative(process.cwd(), logDir) || logDir}: start 'npm run dev' (or pass --file).`);
    return 1;
  }
  const lines = readJourney(files, filter);
  for (const line of lines) console.log(values.json ? JSON.stringify(line.entry ?? { time: line.time, source: line.source, text: line.text }) : formatLine(line));
  if (lines.length === 0) console.error(`Nothing matched in ${files.map((file) => path.relative(process.cwd(), file)).join(', ')}.`);
  return 0;
}

process.exitCode = main();
