import type { Context } from 'aws-lambda';
import { createLogger, forInvocation } from '../src/log';
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

    // Assess: the loop is cut where it closes, the rest of the line is kept.
    expect(log).not.toThrow();
    expect(entries()[0]).toMatchObject({ message: 'with a loop', circular: {} });
  });

  test('a field whose serialisation throws still leaves a line naming the message', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const hostile = { toJSON: () => { throw new Error('no'); } };

    // Act
    const log = () => logger.info('with a hostile field', { hostile });

    // Assess
    expect(log).not.toThrow();
    expect(entries()[0]).toMatchObject({ message: 'with a hostile field', service: 'test', logError: 'fields not serialisable' });
  });

  test('errors keep their code, and a cause that is not an error as it is', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const err = Object.assign(new Error('conditional check failed', { cause: { attempt: 2 } }), { code: 'ConditionalCheckFailed' });

    // Act
    logger.error('failed', { err });

    // Assess
    expect(entries()[0]?.err).toMatchObject({ name: 'Error', message: 'conditional check failed', code: 'ConditionalCheckFailed', cause: { attempt: 2 } });
  });
});

describe('the Lambda context (forInvocation)', () => {
  const context = (awsRequestId: string) => ({ awsRequestId, functionName: 'photonotes-core-api-dev-updateNote', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:x', memoryLimitInMB: '512' }) as unknown as Context;

  test('lines carry coldStart (true in the first invocation only), the function name and its request id', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const request = logger.child({ requestId: 'http-1' });

    // Act
    forInvocation(logger, context('lambda-1'));
    request.info('first');
    forInvocation(logger, context('lambda-2'));
    logger.child({ requestId: 'http-2' }).info('second');

    // Assess
    expect(entries()[0]).toMatchObject({ message: 'first', coldStart: true, functionName: 'photonotes-core-api-dev-updateNote', functionRequestId: 'lambda-1', requestId: 'http-1' });
    expect(entries()[1]).toMatchObject({ message: 'second', coldStart: false, functionRequestId: 'lambda-2', requestId: 'http-2' });
  });

  test('lines carry the X-Ray trace id when the runtime sets one, and none without it', () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const traceId = '1-5759e988-bd862e3fe1be46a994272793';

    // Act
    delete process.env._X_AMZN_TRACE_ID;
    logger.info('untraced');
    process.env._X_AMZN_TRACE_ID = `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`;
    logger.info('traced');

    // Assess
    expect(entries()[0]).not.toHaveProperty('xrayTraceId');
    expect(entries()[1]).toMatchObject({ message: 'traced', xrayTraceId: traceId });
  });

  test('a logger not made by createLogger is left alone', () => {
    // Prepare
    const fake = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), child: jest.fn() };

    // Act
    const call = () => forInvocation(fake, context('lambda-1'));

    // Assess
    expect(call).not.toThrow();
  });
});

describe('debug sampling', () => {
  test('with a sample rate of 1 every invocation after the first logs debug lines, and lines name the rate', () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({ service: 's', level: 'info', sampleRate: 1, write: (line) => lines.push(line) });
    const context = { awsRequestId: 'a' } as Context;

    // Act
    forInvocation(logger, context);
    forInvocation(logger, context);
    logger.debug('detail');

    // Assess
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.message)).toContain('detail');
    expect(entries.find((entry) => entry.message === 'detail')).toMatchObject({ level: 'debug', samplingRate: 1 });
  });

  test('takes its rate from POWERTOOLS_LOGGER_SAMPLE_RATE, and with none (the default) debug lines stay hidden', () => {
    // Prepare
    process.env.POWERTOOLS_LOGGER_SAMPLE_RATE = '1';
    const sampled: string[] = [];
    const sampledLogger = createLogger({ service: 's', level: 'info', write: (line) => sampled.push(line) });
    delete process.env.POWERTOOLS_LOGGER_SAMPLE_RATE;
    const plain: string[] = [];
    const plainLogger = createLogger({ service: 's', level: 'info', write: (line) => plain.push(line) });
    const context = { awsRequestId: 'a' } as Context;

    // Act
    for (const logger of [sampledLogger, plainLogger]) {
      forInvocation(logger, context);
      forInvocation(logger, context);
      logger.debug('detail');
    }

    // Assess
    expect(sampled.some((line) => JSON.parse(line).message === 'detail')).toBe(true);
    expect(plain).toEqual([]);
  });
});
