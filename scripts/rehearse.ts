// `npm run rehearse [stage]`: a deploy rehearsal against moto (a local AWS emulator, `moto_server`) on
// loopback. It packages the stage, then deploys each stack in compose order the way the framework does:
// the create template (deployment bucket), the code zips uploaded to the keys the update template names,
// then the update template; every stack must reach UPDATE_COMPLETE with every resource it was given.
// moto's CloudFormation cannot model every resource type we use: those are removed before the update
// (references to them become visible stubs) and listed at the end as NOT rehearsed. See README "Deploying".
// Then the web app's hosting stack (clients/web/hosting.yml, as `npm run deploy:web` creates it) and the upload of a
// build for the stage into its bucket, each file's Content-Type and Cache-Control read back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { packageStage } from './check-deploy';
import { readYaml, repoRoot } from './platform/service-definitions';
import { artifactKeys, rehearsable, type CfnTemplate } from './rehearse/template';
import { buildWeb } from './web/build';
import { hostingStackName, uploadBuild } from './web/deploy';
import { readHostingTemplate } from './web/hosting-checks';

const capabilities = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

// Every resource type moto's CloudFormation can create, asked of the moto installation itself.
const probe = `
import importlib, json, pkgutil, moto
from moto.core.common_models import CloudFormationModel
for m in pkgutil.iter_modules(moto.__path__):
    try: importlib.import_module(f"moto.{m.name}.models")
    except Exception: pass
def subclasses(c):
    for s in c.__subclasses__():
        yield s
        yield from subclasses(s)
types = set()
for c in subclasses(CloudFormationModel):
    try: types.add(c.cloudformation_type())
    except Exception: pass
print(json.dumps(sorted(types)))
`;

export function motoSupportedTypes(): Set<string> {
  const result = spawnSync('python3', ['-c', probe], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`could not ask moto which resource types it supports:\n${result.stderr}`);
  return new Set(JSON.parse(result.stdout) as string[]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(port: number): Promise<ChildProcess> {
  // Its own process group, so the whole tree goes with it.
  const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (moto.exitCode !== null) throw new Error(`moto_server exited with ${moto.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/`);
      return moto;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error('moto_server did not start within 30 s');
}

function stopMoto(moto: ChildProcess | undefined): void {
  if (moto?.pid === undefined || moto.exitCode !== null) return;
  try {
    process.kill(-moto.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/** Compose order: every service after the ones it dependsOn. */
export function composeOrder(services: Record<string, { path: string; dependsOn?: string | string[] }>): string[] {
  const order: string[] = [];
  const visit = (name: string, trail: string[]): void => {
    if (order.includes(name)) return;
    if (trail.includes(name)) throw new Error(`dependency cycle: ${[...trail, name].join(' → ')}`);
    const entry = services[name];
    if (!entry) throw new Error(`unknown service in dependsOn: ${name}`);
    const deps = entry.dependsOn === undefined ? [] : Array.isArray(entry.dependsOn) ? entry.dependsOn : [entry.dependsOn];
    for (const dep of deps) visit(dep, [...trail, name]);
    order.push(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
  return order;
}

async function waitFor(cfn: CloudFormationClient, stackName: string, goal: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (status === goal) return;
    if (!status.endsWith('_IN_PROGRESS') || Date.now() > deadline) throw new Error(`${stackName}: ${status} (${stack?.StackStatusReason ?? 'no reason given'}), expected ${goal}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The template's exported outputs, with the values the stack resolved them to. */
export function reexports(template: CfnTemplate, outputs: Array<{ OutputKey?: string; OutputValue?: string }>): Record<string, unknown> {
  const declared = (template.Outputs ?? {}) as Record<string, { Export?: { Name?: unknown } }>;
  const result: Record<string, unknown> = {};
  for (const output of outputs) {
    const exportName = output.OutputKey === undefined ? undefined : declared[output.OutputKey]?.Export?.Name;
    if (exportName !== undefined && output.OutputValue !== undefined) result[output.OutputKey!] = { Value: output.OutputValue, Export: { Name: exportName } };
  }
  return result;
}

interface Outcome {
  stack: string;
  created: number;
  stripped: Record<string, string>;
  stubbedParameters: string[];
}

/**
 * The stack's name, as `sls deploy --stage <stage>` names it (`<service>-<stage>`). The saved state keeps the stage
 * serverless.yml defaults to, not the one packaged, so the name is taken from the stage asked for, and the packaged
 * template must be that stage's (its functions are named `<service>-<stage>-<function>`).
 */
export function stackNameFor(service: string, stage: string, updateTemplate: string): string {
  const stackName = `${service}-${stage}`;
  if (!updateTemplate.includes(`"${stackName}-`)) throw new Error(`${service}: the packaged template is not stage ${stage}'s (package it first: npm run rehearse -- ${stage}, without --no-package)`);
  return stackName;
}

async function rehearseService(cfn: CloudFormationClient, s3: S3Client, dir: string, stage: string, supported: Set<string>): Promise<Outcome> {
  const serverlessDir = path.join(dir, '.serverless');
  const state = JSON.parse(readFileSync(path.join(serverlessDir, 'serverless-state.json'), 'utf8')) as { service: { service: string } };
  const stackName = stackNameFor(state.service.service, stage, readFileSync(path.join(serverlessDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const readTemplate = (name: string) => JSON.parse(readFileSync(path.join(serverlessDir, name), 'utf8')) as CfnTemplate;

  // 1. The create template: the deployment bucket.
  const create = rehearsable(readTemplate('cloudformation-template-create-stack.json'), supported);
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(create.template), Capabilities: [...capabilities] }));
  await waitFor(cfn, stackName, 'CREATE_COMPLETE');
  const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const bucket = described.Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'ServerlessDeploymentBucketName')?.OutputValue;
  if (!bucket) throw new Error(`${stackName}: the create stack has no ServerlessDeploymentBucketName output`);

  // 2. The artifacts, at the keys the update template points at.
  const update = rehearsable(readTemplate('cloudformation-template-update-stack.json'), supported);
  for (const key of artifactKeys(update.template)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(path.join(serverlessDir, path.basename(key))) }));
  }

  // 3. The full template.
  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(update.template), Capabilities: [...capabilities] }));
  await waitFor(cfn, stackName, 'UPDATE_COMPLETE');

  // Every resource it was given exists and is complete.
  const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }))).StackResources ?? [];
  const complete = new Set(resources.filter((resource) => resource.ResourceStatus?.endsWith('_COMPLETE')).map((resource) => resource.LogicalResourceId));
  const missing = Object.keys(update.template.Resources).filter((id) => !complete.has(id));
  if (missing.length > 0) throw new Error(`${stackName}: resources not created: ${missing.join(', ')}`);

  // moto registers a stack's exports only when the stack is created, not when it is updated; AWS does both.
  // So the updated stack's exported outputs are re-exported by a stub stack for the stacks that import them.
  const outputs = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.Outputs ?? [];
  const reexported = reexports(update.template, outputs);
  if (Object.keys(reexported).length > 0) {
    const exportsStack = `${stackName}-exports`;
    const template = { Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } }, Outputs: reexported };
    await cfn.send(new CreateStackCommand({ StackName: exportsStack, TemplateBody: JSON.stringify(template) }));
    await waitFor(cfn, exportsStack, 'CREATE_COMPLETE');
  }
  return { stack: stackName, created: complete.size, stripped: update.stripped, stubbedParameters: update.stubbedParameters };
}

/**
 * The web hosting stack, created as deploy:web creates it (moto creates its bucket only: CloudFront and the bucket
 * policy are stubbed and listed), then a build of the app uploaded to the bucket by the deploy's own upload code, and
 * every object's Content-Type and Cache-Control read back against the plan.
 */
export async function rehearseWebHosting(cfn: CloudFormationClient, s3: S3Client, stage: string, supported: Set<string>): Promise<Outcome & { uploaded: number }> {
  const stackName = hostingStackName(stage);
  const web = rehearsable(readHostingTemplate() as CfnTemplate, supported);
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(web.template), Parameters: [{ ParameterKey: 'Stage', ParameterValue: stage }] }));
  await waitFor(cfn, stackName, 'CREATE_COMPLETE');
  const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }))).StackResources ?? [];
  const complete = new Set(resources.filter((resource) => resource.ResourceStatus?.endsWith('_COMPLETE')).map((resource) => resource.LogicalResourceId));
  const missing = Object.keys(web.template.Resources).filter((id) => !complete.has(id));
  if (missing.length > 0) throw new Error(`${stackName}: resources not created: ${missing.join(', ')}`);
  const bucket = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'WebBucketName')?.OutputValue;
  if (!bucket) throw new Error(`${stackName}: no WebBucketName output`);

  const outDir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-web-rehearsal-'));
  try {
    buildWeb(stage, { apiUrl: 'https://api.rehearsal.invalid', realtimeUrl: 'wss://realtime.rehearsal.invalid' }, outDir);
    const plan = await uploadBuild(s3, bucket, outDir);
    for (const upload of plan) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: upload.key }));
      if (head.ContentType !== upload.contentType || head.CacheControl !== upload.cacheControl) {
        throw new Error(`${stackName}: ${upload.key} stored as ${head.ContentType} / ${head.CacheControl}, planned ${upload.contentType} / ${upload.cacheControl}`);
      }
    }
    return { stack: stackName, created: complete.size, stripped: web.stripped, stubbedParameters: [], uploaded: plan.length };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const stage = process.argv.find((arg, i) => i > 1 && !arg.startsWith('--')) ?? 'dev';
  if (!process.argv.includes('--no-package')) {
    console.log(`packaging stage ${stage}…`);
    packageStage(stage);
  }
  const supported = motoSupportedTypes();
  const compose = readYaml<{ services: Record<string, { path: string; dependsOn?: string | string[] }> }>(path.join(repoRoot, 'serverless-compose.yml'));
  let moto: ChildProcess | undefined;
  const cleanup = () => stopMoto(moto);
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    const port = await freePort();
    moto = await startMoto(port);
    const config = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' } };
    const cfn = new CloudFormationClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const outcomes: Outcome[] = [];
    for (const name of composeOrder(compose.services)) {
      const outcome = await rehearseService(cfn, s3, path.join(repoRoot, compose.services[name]!.path), stage, supported);
      console.log(`✔ ${outcome.stack}: UPDATE_COMPLETE, ${outcome.created} resources`);
      outcomes.push(outcome);
    }
    const web = await rehearseWebHosting(cfn, s3, stage, supported);
    console.log(`✔ ${web.stack}: CREATE_COMPLETE, ${web.created} resources; a build uploaded (${web.uploaded} files), Content-Type and Cache-Control as planned`);
    outcomes.push(web);
    console.log('\nNOT rehearsed (moto cannot create these types through CloudFormation; references to them were stubbed):');
    for (const outcome of outcomes) {
      const byType = new Map<string, string[]>();
      for (const [id, type] of Object.entries(outcome.stripped)) byType.set(type, [...(byType.get(type) ?? []), id]);
      for (const [type, ids] of [...byType].sort()) console.log(`  ${outcome.stack}: ${type} × ${ids.length} (${ids.join(', ')})`);
      for (const parameter of outcome.stubbedParameters) console.log(`  ${outcome.stack}: SSM parameter ${parameter} (stub value)`);
    }
    console.log('\nNor, anywhere: invoking a function, event delivery (streams, SNS, S3 notifications), IAM policy evaluation,');
    console.log('Secrets Manager dynamic references ({{resolve:...}} stays a literal), real account limits and names.');
    console.log('The web app behind CloudFront (the distribution, its function, cache and headers policies, OAC and the bucket policy are checked by check:deploy only).');
    console.log(`\nrehearsal passed: ${outcomes.length - 1} stacks in compose order and the web hosting stack`);
  } finally {
    cleanup();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
