// Reachability checks for the health routes; each imports only the client it needs.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { documentClient } from './dynamodb';
import { s3Client } from './s3';
import type { HealthCheck } from './health';

export function tableIsReachable(tableName: string): HealthCheck {
  return () => documentClient().send(new DescribeTableCommand({ TableName: tableName }));
}

export function bucketIsReachable(bucket: string): HealthCheck {
  return () => s3Client().send(new HeadBucketCommand({ Bucket: bucket }));
}
