// Test-only builders for the events Lambda receives from SNS, DynamoDB Streams and S3, as AWS shapes them.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, S3Event, SNSEvent } from 'aws-lambda';

/** One SNS notification per message (SNS delivers one per invocation; tests may batch several). */
export function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((Message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:topic:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `msg-${i}`,
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:topic',
        Subject: '',
        Message,
        Timestamp: '2026-11-28T09:00:00.000Z',
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  };
}

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;

/** A NEW_AND_OLD_IMAGES record of `newItem` / `oldItem` (plain objects, marshalled here); with neither, a KEYS_ONLY one. */
export function streamRecord(
  sequenceNumber: string,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  items: { keys?: Record<string, unknown>; newItem?: Record<string, unknown>; oldItem?: Record<string, unknown> },
): DynamoDBRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: sequenceNumber,
      ApproximateCreationDateTime: 1_795_856_400,
      Keys: image(items.keys ?? {}),
      ...(items.newItem ? { NewImage: image(items.newItem) } : {}),
      ...(items.oldItem ? { OldImage: image(items.oldItem) } : {}),
      StreamViewType: items.newItem || items.oldItem ? 'NEW_AND_OLD_IMAGES' : 'KEYS_ONLY',
    },
  };
}

/** ObjectCreated:Put records for `keys` (as S3 sends them: URL-encoded). */
export function s3Event(...keys: string[]): S3Event {
  return {
    Records: keys.map((key, i) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-28T09:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'p' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': `s3-request-${i}`, 'x-amz-id-2': 'r2' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'uploads',
        bucket: { name: 'media', ownerIdentity: { principalId: 'p' }, arn: 'arn:aws:s3:::media' },
        object: { key, size: 1000 + i, eTag: `etag-${i}`, sequencer: `seq-${i}` },
      },
    })),
  };
}
