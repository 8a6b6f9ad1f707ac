import {
  AppError,
  ConflictError,
  dependencyUnavailable,
  errorBody,
  ForbiddenError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../src/errors';

describe('typed errors', () => {
  test.each([
    [ValidationError, 400, 'VALIDATION_FAILED'],
    [UnauthorizedError, 401, 'UNAUTHORIZED'],
    [ForbiddenError, 403, 'FORBIDDEN'],
    [NotFoundError, 404, 'NOT_FOUND'],
    [ConflictError, 409, 'CONFLICT'],
    [PreconditionFailedError, 412, 'PRECONDITION_FAILED'],
    [PayloadTooLargeError, 413, 'PAYLOAD_TOO_LARGE'],
    [UnsupportedMediaTypeError, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [RateLimitedError, 429, 'RATE_LIMITED'],
    [ServiceUnavailableError, 503, 'SERVICE_UNAVAILABLE'],
    [InternalError, 500, 'INTERNAL'],
  ] as const)('%p carries %i %s', (ErrorClass, status, code) => {
    // Prepare
    const message = 'something specific';

    // Act
    const err = new ErrorClass(message);

    // Assess
    expect(err).toBeInstanceOf(AppError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ status, code, message, name: ErrorClass.name });
  });

  test('each error has a default message', () => {
    // Act
    const err = new NotFoundError();

    // Assess
    expect(err.message).toBe('Not found');
  });
});

describe('errorBody', () => {
  test('an AppError keeps its status, code, message and details', () => {
    // Prepare
    const err = new PreconditionFailedError('Version mismatch', [{ current: { id: 'n1', version: 3 } }]);

    // Act
    const out = errorBody(err, 'req-1');

    // Assess
    expect(out).toEqual({
      status: 412,
      body: { error: { code: 'PRECONDITION_FAILED', message: 'Version mismatch', details: [{ current: { id: 'n1', version: 3 } }], requestId: 'req-1' } },
    });
  });

  test('details are left out when there are none', () => {
    // Act
    const out = errorBody(new NotFoundError('Note not found'), 'req-1');

    // Assess
    expect(out.body.error).not.toHaveProperty('details');
  });

  test.each([
    ['an AWS error', Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized'), { name: 'AccessDeniedException' })],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'raw failure text'],
    ['undefined', undefined],
  ])('%s becomes a generic 500 without its text', (_case, thrown) => {
    // Act
    const out = errorBody(thrown, 'req-9');

    // Assess
    expect(out).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-9' } } });
  });
});

describe('dependencyUnavailable', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED', $metadata: { attempts: 3 } });

  test.each([
    ['a refused connection (DynamoDB Local or the SNS emulator down)', refused()],
    ['every address of a host refusing (AggregateError)', new AggregateError([refused(), refused()], 'connect failed')],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an SDK request timeout', Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' })],
    ['throttling', Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } })],
    ['a 5xx from the AWS endpoint', Object.assign(new Error('We encountered an internal error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })],
    ['a refused connection as the cause of a wrapper', new Error('publish failed', { cause: refused() })],
  ])('%s is a retryable 503 that keeps the error as its cause', (_case, thrown) => {
    // Act
    const mapped = dependencyUnavailable(thrown);

    // Assess
    expect(mapped).toBeInstanceOf(ServiceUnavailableError);
    expect(mapped).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1, cause: thrown });
    expect(errorBody(mapped, 'req-1').body.error.message).not.toMatch(/ECONN|127\.0\.0\.1|internal error/);
  });

  test.each([
    ['an access error', Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })],
    ['a validation error of the SDK', Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } })],
    ['a TypeError', new TypeError('x is undefined')],
    ['a typed error', new ConflictError('taken')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('%s is left as it is', (_case, thrown) => {
    // Act
    const mapped = dependencyUnavailable(thrown);

    // Assess
    expect(mapped).toBeNull();
  });
});
