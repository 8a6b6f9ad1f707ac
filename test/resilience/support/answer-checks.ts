// The properties every answer to a fuzzed request must hold, whatever was sent: no 5xx, an `x-request-id` header,
// the contract's error shape (with that request id) on every 4xx, no stack frame or AWS text, none of another
// user's content, and no success for a request whose credentials must be refused.
import { errorStatuses } from '@photonotes/shared/http-route';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** Text no answer may carry: stack frames, AWS SDK errors and names, internal paths. */
const forbiddenText: Array<[string, RegExp]> = [
  ['a stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:\/|file:|node:|[A-Za-z]:\\)[^)\s]*:\d+:\d+\)?/],
  ['an error class name with a stack', /\b(?:TypeError|RangeError|ReferenceError|SyntaxError): [^"]*\n/],
  ['an AWS error name', /\b(?:ResourceNotFoundException|ValidationException|ConditionalCheckFailed\w*|TransactionCanceledException|ProvisionedThroughputExceeded\w*|ThrottlingException|AccessDeniedException|UnrecognizedClientException|NotAuthorizedException|UserNotFoundException|InvalidParameterException|NoSuchKey|NoSuchBucket|ItemCollectionSizeLimitExceeded\w*)\b/],
  ['an ARN', /arn:aws/],
  ['a DynamoDB key or expression', /\b(?:ExpressionAttribute\w+|KeyConditionExpression|UpdateExpression|ConditionExpression)\b|"pk"\s*:|"sk"\s*:|"gsi\d\w*"\s*:/],
  ['an internal path', /node_modules|\.esbuild\/|\/src\/(?:functions|domain|adapters)\//],
];

/** Documents whose text describes the platform (Cognito, DynamoDB...) rather than answering a request. */
const documentRoutes = new Set(['GET /openapi.json', 'GET /docs', 'GET /docs/assets/{file}']);

export interface CheckInput {
  operation: string;
  answer: Answer;
  /** The request's credentials must be refused (missing or junk token on a route that requires one). */
  mustRefuse: boolean;
  /** Strings only another user's resources hold; none may reach this caller. */
  foreignMarkers: readonly string[];
}

/** The first property the answer breaks, or undefined. */
export function answerProblem({ operation, answer, mustRefuse, foreignMarkers }: CheckInput): string | undefined {
  const { status, headers, text } = answer;
  if (status >= 500) return `a ${status}`;
  const requestId = headers.get('x-request-id');
  if (!requestId) return `no x-request-id header on a ${status}`;
  if (mustRefuse && status < 300) return `a ${status} to a request whose credentials must be refused`;
  if (!documentRoutes.has(operation)) {
    for (const [what, pattern] of forbiddenText) {
      const match = pattern.exec(text);
      if (match) return `${what} in the answer (${JSON.stringify(match[0].slice(0, 120))})`;
    }
  }
  for (const marker of foreignMarkers) if (text.includes(marker)) return `another user's content (${marker}) in the answer`;
  if (status >= 400) {
    if (!(headers.get('content-type') ?? '').startsWith('application/json')) return `a ${status} with content type ${headers.get('content-type') ?? 'none'}`;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `a ${status} whose body is not JSON`;
    }
    const error = (body as { error?: Record<string, unknown> } | null)?.error;
    if (typeof error !== 'object' || error === null) return `a ${status} without an error object`;
    const keys = Object.keys(body as object);
    if (keys.length !== 1) return `a ${status} whose body has other keys than error (${keys.join(', ')})`;
    // Statuses of 500 and above were refused above: only the contract's 4xx codes are looked up.
    const expectedCode = (errorStatuses as Record<number, string | undefined>)[status];
    if (expectedCode === undefined) return `an undocumented status ${status}`;
    if (error.code !== expectedCode) return `a ${status} with code ${String(error.code)} (expected ${expectedCode})`;
    if (typeof error.message !== 'string' || error.message.length === 0) return `a ${status} without a message`;
    if (error.details !== undefined && !Array.isArray(error.details)) return `a ${status} whose details are not an array`;
    if (error.requestId !== requestId) return `a ${status} whose requestId (${String(error.requestId)}) differs from x-request-id (${requestId})`;
    const extra = Object.keys(error).filter((key) => !['code', 'message', 'details', 'requestId'].includes(key));
    if (extra.length > 0) return `a ${status} whose error has extra keys (${extra.join(', ')})`;
    if (status === 429 && !headers.get('retry-after')) return 'a 429 without Retry-After';
  }
  return undefined;
}
