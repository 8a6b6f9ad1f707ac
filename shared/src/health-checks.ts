// Reachability checks for the health routes; each imports only the client it needs. Names are read when a
// check runs, like every setting (README, "Wiring a service"), so a missing one fails the check that needs it.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { documentClient } from './dynamodb';
import { s3Client } from './s3';
import type { HealthCheck } from './health';

export function tableIsReachable(tableName: () => string): HealthCheck {
  return () => documentClient().send(new DescribeTableCommand({ TableName: tableName() }));
}

export function bucketIsReachable(bucket: () => string): HealthCheck {
  return () => s3Client().send(new HeadBucketCommand({ Bucket: bucket() }));
}
