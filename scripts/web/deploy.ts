// `npm run deploy:web -- --stage <stage> [--api-url <url>] [--realtime-url <url>]`: the web app on a deployed stage.
// Creates or updates the hosting stack photonotes-web-<stage> (clients/web/hosting.yml: S3 + CloudFront), builds the
// app for the stage (its URLs from the flags, else from the compose stacks' outputs), uploads the build with each
// file's Content-Type and Cache-Control (upload-plan.ts), and invalidates /app/* at the edge. AWS credentials and
// region from the environment, as for `sls deploy`; deploy the compose stacks first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { filesUnder } from '../../clients/web/build/service-worker-plugin';
import { buildWeb, urlOptions, urlsFromArgs } from './build';
import { hostingTemplate } from './hosting-checks';
import { assertStage } from './stage-urls';
import { uploadAll, uploadPlan, type PlannedUpload } from './upload-plan';

export const hostingStackName = (stage: string): string => `photonotes-web-${stage}`;

export interface HostingOutputs {
  bucket: string;
  distributionId: string;
  url: string;
}

export function hostingOutputs(outputs: Array<{ OutputKey?: string; OutputValue?: string }>): HostingOutputs {
  const value = (key: string): string => {
    const found = outputs.find((output) => output.OutputKey === key)?.OutputValue;
    if (!found) throw new Error(`the hosting stack has no ${key} output`);
    return found;
  };
  return { bucket: value('WebBucketName'), distributionId: value('WebDistributionId'), url: value('WebAppUrl') };
}

/** Creates the stack, or updates it ("no updates" is fine); a first CloudFront distribution takes several minutes. */
export async function deployHostingStack(cfn: CloudFormationClient, stage: string, templateBody: string): Promise<HostingOutputs> {
  const StackName = hostingStackName(stage);
  const input = { StackName, TemplateBody: templateBody, Parameters: [{ ParameterKey: 'Stage', ParameterValue: stage }], Tags: [{ Key: 'photonotes:stage', Value: stage }] };
  const exists = await cfn.send(new DescribeStacksCommand({ StackName })).then(
    (out) => (out.Stacks ?? []).some((stack) => stack.StackStatus !== 'DELETE_COMPLETE'),
    () => false,
  );
  const waiter = { client: cfn, maxWaitTime: 1800, minDelay: 10 };
  if (!exists) {
    console.log(`creating ${StackName} (a new CloudFront distribution takes a few minutes)…`);
    await cfn.send(new CreateStackCommand(input));
    await waitUntilStackCreateComplete(waiter, { StackName });
  } else {
    try {
      await cfn.send(new UpdateStackCommand(input));
      console.log(`updating ${StackName}…`);
      await waitUntilStackUpdateComplete(waiter, { StackName });
    } catch (error) {
      if (!(error instanceof Error && /No updates are to be performed/.test(error.message))) throw error;
    }
  }
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0];
  return hostingOutputs(stack?.Outputs ?? []);
}

/** Uploads a build folder to the hosting bucket in the plan's order, each object with its Content-Type and Cache-Control. */
export async function uploadBuild(s3: S3Client, bucket: string, outDir: string): Promise<PlannedUpload[]> {
  const plan = uploadPlan(filesUnder(outDir));
  await uploadAll(plan, (file) => readFileSync(path.join(outDir, file)), {
    put: async (upload, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: upload.key, Body: body, ContentType: upload.contentType, CacheControl: upload.cacheControl }));
    },
  });
  return plan;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...urlOptions } });
  const stage = values.stage;
  if (!stage) throw new Error('usage: npm run deploy:web -- --stage <stage> [--api-url <url>] [--realtime-url <url>]');
  assertStage(stage);
  if (stage === 'local') throw new Error('The local stage is served by `npm run dev` at http://localhost:3000/app; deploy:web is for deployed stages.');
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // URLs first: a stage whose URLs cannot be found should fail before anything is created.
  const urls = await urlsFromArgs(values, true);
  const hosting = await deployHostingStack(new CloudFormationClient({ region }), stage, readFileSync(hostingTemplate, 'utf8'));
  const outDir = mkdtempSync(path.join(os.tmpdir(), `photonotes-web-${stage}-`));
  try {
    buildWeb(stage, urls, outDir);
    const plan = await uploadBuild(new S3Client({ region }), hosting.bucket, outDir);
    console.log(`uploaded ${plan.length} files to s3://${hosting.bucket}/app/`);
    // Edge copies of no-cache files are revalidated anyway; the invalidation makes it certain (one path, free tier).
    const cloudfront = new CloudFrontClient({ region: 'us-east-1' });
    await cloudfront.send(new CreateInvalidationCommand({ DistributionId: hosting.distributionId, InvalidationBatch: { CallerReference: `deploy-web-${Date.now()}`, Paths: { Quantity: 1, Items: ['/app/*'] } } }));
    console.log(`web app for ${stage}: ${hosting.url}`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
