// The events the platform builds for SNS and S3 consumers: the shapes AWS sends, and which functions an
// object event reaches.
import { corsXml, notificationKey, s3ConsumerMatches, s3LambdaEvent } from '../../platform/delivery/s3-delivery';
import { isSnsNotification, snsLambdaEvent } from '../../platform/delivery/sns-delivery';

describe('S3 → Lambda', () => {
  const consumer = { bucket: 'media', event: 's3:ObjectCreated:*', rules: [{ prefix: 'uploads/' }] };

  it.each([
    ['media', 'ObjectCreated:Put', 'uploads/a.png', true],
    ['media', 'ObjectCreated:Copy', 'uploads/a.png', true],
    ['media', 'ObjectRemoved:Delete', 'uploads/a.png', false],
    ['media', 'ObjectCreated:Put', 'thumbs/a.png', false],
    ['other', 'ObjectCreated:Put', 'uploads/a.png', false],
  ])('%s %s %s → %s', (bucket, eventName, key, expected) => {
    expect(s3ConsumerMatches(consumer, bucket, eventName, key)).toBe(expected);
  });

  it('matches an exact event type and suffix rules', () => {
    expect(s3ConsumerMatches({ bucket: 'b', event: 's3:ObjectCreated:Put', rules: [{ suffix: '.jpg' }] }, 'b', 'ObjectCreated:Put', 'x.jpg')).toBe(true);
    expect(s3ConsumerMatches({ bucket: 'b', event: 's3:ObjectCreated:Put', rules: [{ suffix: '.jpg' }] }, 'b', 'ObjectCreated:Post', 'x.jpg')).toBe(false);
  });

  it('URL-encodes the key as S3 notifications do (spaces as +, slashes kept)', () => {
    expect(notificationKey('uploads/u1/my photo+1.jpg')).toBe('uploads/u1/my+photo%2B1.jpg');
  });

  it('builds the record with the bucket ARN and the encoded key', () => {
    const record = { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'media', arn: 'arn:aws:s3: : :media', ownerIdentity: { principalId: 'x' } }, object: { key: 'uploads/a b.png', size: 3, eTag: 'e', sequencer: '1' }, s3SchemaVersion: '1.0', configurationId: 'testConfigId' } };
    const event = s3LambdaEvent(record as never, 'processUpload-s3:ObjectCreated:*');
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]?.s3).toMatchObject({ configurationId: 'processUpload-s3:ObjectCreated:*', bucket: { name: 'media', arn: 'arn:aws:s3:::media' }, object: { key: 'uploads/a+b.png', size: 3 } });
  });

  it('writes CloudFormation CORS rules as S3 CORS XML', () => {
    expect(corsXml([{ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: ['*'], AllowedHeaders: ['content-type'], ExposedHeaders: ['ETag'], MaxAge: 3000 }])).toBe(
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>content-type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    );
  });
});

describe('SNS → Lambda', () => {
  const notification = {
    Type: 'Notification',
    MessageId: 'm-1',
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:photonotes-local-user-events',
    Message: '{"id":"e1"}',
    Timestamp: '2026-01-01T00:00:00.000Z',
    MessageAttributes: { type: { Type: 'String', Value: 'user.deleted' } },
  };

  it('recognises a notification and nothing else', () => {
    expect(isSnsNotification(notification)).toBe(true);
    expect(isSnsNotification({ ...notification, Type: 'SubscriptionConfirmation' })).toBe(false);
    expect(isSnsNotification('{"Type":"Notification"}')).toBe(false);
  });

  it('builds the event a subscribed function receives', () => {
    expect(snsLambdaEvent(notification, 'arn:sub')).toEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:sub',
          Sns: expect.objectContaining({ Type: 'Notification', MessageId: 'm-1', TopicArn: notification.TopicArn, Subject: null, Message: '{"id":"e1"}', Timestamp: notification.Timestamp, MessageAttributes: notification.MessageAttributes }),
        },
      ],
    });
  });
});
