import { createLogger } from '../src/log';
import { captureLogger } from './support/log-capture';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  jest.restoreAllMocks();
});

describe('createLogger', () => {
  test('writes one JSON object per line with level, time, service, message and fields', () => {
    // Prepare
    const { logger, lines } = captureLogger();

    // Act
    logger.info('note created', { noteId: 'n1' });

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'test',
      message: 'note created',
      noteId: 'n1',
    });
  });

  test('writes to stdout by default', () => {
    // Prepare
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const logger = createLogger({ service: 'core-api', level: 'info' });

    // Act
    logger.warn('slow query');

    // Assess
    expect(write).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(write.mock.calls[0]?.[0]))).toMatchObject({ level: 'warn', service: 'core-api', message: 'slow query' });
  });

  test('drops lines below the level', () => {
    // Prepare
    const { logger, entries } = captureLogger('warn');

    // Act
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    // Assess
    expect(entries().map((entry) => entry.level)).toEqual(['warn', 'error']);
  });

  test('takes its level from LOG_LEVEL, and silent writes nothing', () => {
    // Prepare
    process.env.LOG_LEVEL = 'silent';
    const lines: string[] = [];
    const logger = createLogger({ service: 's', write: (line) => lines.push(line) });

    // Act
    logger.error('even errors');

    // Assess
    expect(lines).toEqual([]);
  });

  test('defaults to info when LOG_LEVEL is unset or unknown', () => {
    // Prepare
    process.env.LOG_LEVEL = 'verbose';
    const lines: string[] = [];
    const logger = createLogger({ service: 's', write: (line) => lines.push(line) });

    // Act
    logger.debug('hidden');
    logger.info('shown');

    // Assess
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['shown']);
  });

  test('child loggers add their fields to every line without changing the parent', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const child = logger.child({ requestId: 'r1' }).child({ userId: 'u1' });

    // Act
    child.info('from child');
    logger.info('from parent');

    // Assess
    expect(entries()[0]).toMatchObject({ requestId: 'r1', userId: 'u1', message: 'from child' });
    expect(entries()[1]).not.toHaveProperty('requestId');
  });

  test('errors are logged as name, message and stack, with their cause', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const cause = new Error('socket hang up');
    const err = new TypeError('cannot read id', { cause });

    // Act
    logger.error('failed', { err });

    // Assess
    const logged = entries()[0]?.err as Record<string, unknown>;
    expect(logged).toMatchObject({ name: 'TypeError', message: 'cannot read id', cause: { name: 'Error', message: 'socket hang up' } });
    expect(logged.stack).toEqual(expect.stringContaining('TypeError: cannot read id'));
  });

  test('fields that cannot be serialised do not throw', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    // Act
    const log = () => logger.info('with a loop', { circular });

    // Assess
    expect(log).not.toThrow();
    expect(entries()[0]).toMatchObject({ message: 'with a loop', logError: 'fields not serialisable' });
  });
});
