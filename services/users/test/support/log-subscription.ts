// CloudWatch Logs subscription events as the service delivers them to a function: `awslogs.data` is the base64
// of the gzip of the JSON message.
import { gzipSync } from 'node:zlib';
import type { LogsSubscriptionEvent, SubscriptionMessage } from '../../src/platform/domain/log-documents';

export function subscriptionEvent(message: SubscriptionMessage): LogsSubscriptionEvent {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(message))).toString('base64') } };
}

/** A DATA_MESSAGE of `lines`, one event per line, one millisecond apart from `start`; ids like CloudWatch's (56 digits). */
export function dataMessage(logGroup: string, lines: string[], start = Date.UTC(2026, 11, 1, 12, 0, 0, 0)): SubscriptionMessage {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup,
    logStream: '2026/12/01/[$LATEST]0123456789abcdef0123456789abcdef',
    subscriptionFilters: ['photonotes-logs-to-search'],
    logEvents: lines.map((message, i) => ({ id: `${String(start + i).padStart(20, '0')}${String(i).padStart(36, '0')}`, timestamp: start + i, message })),
  };
}

/** CloudWatch's check that a new subscription's destination is reachable. */
export function controlMessage(): SubscriptionMessage {
  return {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: Date.UTC(2026, 11, 1), message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
  };
}

/** Lambda's own lines around an invocation (as CloudWatch stores them, each ending in a newline). */
export const lambdaLines = {
  start: 'START RequestId: 6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11 Version: $LATEST\n',
  end: 'END RequestId: 6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11\n',
  report:
    'REPORT RequestId: 6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 81 MB\tInit Duration: 201.57 ms\t\nXRAY TraceId: 1-674c9f3a-3c0e6b1d2a4f5e6b7c8d9e0f\tSegmentId: 1a2b3c4d5e6f7a8b\tSampled: true\t\n',
};
