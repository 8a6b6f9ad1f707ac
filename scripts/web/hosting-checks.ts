// What `npm run check:deploy` holds the web app's hosting stack (clients/web/hosting.yml) to, beyond cfn-lint and the
// checks every stack gets (encrypted private buckets, IAM without wildcards): CloudFront reaches the bucket through
// origin access control only (no legacy OAI, no public read), the bucket policy lets only this distribution read only
// app/*, HTTPS only, a security headers policy on every behaviour, hashed assets cached long at the edge while the
// app shell is not held past its no-cache, and /app/ answered by index.html.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { logicalIdOf } from '../cfn-template';
import { repoRoot } from '../platform/service-definitions';

/** The hosting stack's template (deployed by `npm run deploy:web`). */
export const hostingTemplate = path.join(repoRoot, 'clients', 'web', 'hosting.yml');

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface HostingTemplate {
  Resources: Record<string, Resource>;
}

export function readHostingTemplate(file = hostingTemplate): HostingTemplate {
  return parse(readFileSync(file, 'utf8')) as HostingTemplate;
}

interface Behavior {
  PathPattern?: string;
  ViewerProtocolPolicy?: string;
  CachePolicyId?: unknown;
  ResponseHeadersPolicyId?: unknown;
  FunctionAssociations?: Array<{ EventType?: string; FunctionARN?: unknown }>;
}

export function webHostingProblems(template: HostingTemplate): string[] {
  const problems: string[] = [];
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  for (const [id] of ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')) problems.push(`${id}: a legacy origin access identity; use origin access control`);
  const distributions = ofType('AWS::CloudFront::Distribution');
  if (distributions.length !== 1) return [...problems, `${distributions.length} CloudFront distributions, not one`];
  const [cdnId, cdn] = distributions[0]!;
  const config = (cdn.Properties?.DistributionConfig ?? {}) as {
    DefaultRootObject?: string;
    Origins?: Array<{ Id?: string; OriginAccessControlId?: unknown; S3OriginConfig?: { OriginAccessIdentity?: string } }>;
    DefaultCacheBehavior?: Behavior;
    CacheBehaviors?: Behavior[];
  };
  if (!config.DefaultRootObject) problems.push(`${cdnId}: no DefaultRootObject`);
  for (const origin of config.Origins ?? []) {
    const oac = template.Resources[logicalIdOf(origin.OriginAccessControlId) ?? '']?.Type === 'AWS::CloudFront::OriginAccessControl';
    if (!oac) problems.push(`${cdnId}: origin ${origin.Id ?? '?'} without an origin access control of the stack`);
    if (origin.S3OriginConfig?.OriginAccessIdentity) problems.push(`${cdnId}: origin ${origin.Id ?? '?'} uses an origin access identity`);
  }
  const behaviors = [{ ...config.DefaultCacheBehavior, PathPattern: '(default)' }, ...(config.CacheBehaviors ?? [])];
  for (const behavior of behaviors) {
    const label = `${cdnId}: behaviour ${behavior.PathPattern}`;
    if (!['redirect-to-https', 'https-only'].includes(behavior.ViewerProtocolPolicy ?? '')) problems.push(`${label} allows plain HTTP`);
    const headers = template.Resources[logicalIdOf(behavior.ResponseHeadersPolicyId) ?? ''];
    const security = ((headers?.Properties?.ResponseHeadersPolicyConfig ?? {}) as { SecurityHeadersConfig?: Record<string, unknown> }).SecurityHeadersConfig ?? {};
    const missing = ['StrictTransportSecurity', 'ContentTypeOptions', 'FrameOptions', 'ReferrerPolicy', 'ContentSecurityPolicy'].filter((key) => !security[key]);
    if (headers?.Type !== 'AWS::CloudFront::ResponseHeadersPolicy') problems.push(`${label} without a response headers policy of the stack`);
    else if (missing.length > 0) problems.push(`${label}: security headers policy without ${missing.join(', ')}`);
  }
  const ttl = (behavior: Behavior | undefined) =>
    ((template.Resources[logicalIdOf(behavior?.CachePolicyId) ?? '']?.Properties?.CachePolicyConfig ?? {}) as { MinTTL?: number; MaxTTL?: number; DefaultTTL?: number });
  const shell = ttl(config.DefaultCacheBehavior);
  if (shell.MinTTL !== 0) problems.push(`${cdnId}: the default behaviour's cache policy has MinTTL ${String(shell.MinTTL)}, so index.html and sw.js outlive their no-cache at the edge (want 0)`);
  const assets = (config.CacheBehaviors ?? []).find((behavior) => behavior.PathPattern === '/app/assets/*');
  if (!assets) problems.push(`${cdnId}: no cache behaviour for /app/assets/*`);
  else if ((ttl(assets).MaxTTL ?? 0) < 31536000) problems.push(`${cdnId}: /app/assets/* is cached less than a year at the edge`);
  const indexes = (config.DefaultCacheBehavior?.FunctionAssociations ?? []).some((fn) => fn.EventType === 'viewer-request' && template.Resources[logicalIdOf(fn.FunctionARN) ?? '']?.Type === 'AWS::CloudFront::Function');
  if (!indexes) problems.push(`${cdnId}: no viewer-request function mapping /app/ to index.html`);

  const buckets = ofType('AWS::S3::Bucket').map(([id]) => id);
  for (const bucket of buckets) {
    const policies = ofType('AWS::S3::BucketPolicy').filter(([, policy]) => logicalIdOf(policy.Properties?.Bucket) === bucket);
    if (policies.length !== 1) {
      problems.push(`${bucket}: ${policies.length} bucket policies, not one`);
      continue;
    }
    const statements = ((policies[0]![1].Properties?.PolicyDocument ?? {}) as { Statement?: Array<Record<string, unknown>> }).Statement ?? [];
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      const principal = JSON.stringify(statement.Principal);
      const text = JSON.stringify(statement);
      if (principal !== JSON.stringify({ Service: 'cloudfront.amazonaws.com' })) problems.push(`${bucket}: the bucket policy allows ${principal}, not only CloudFront`);
      if (JSON.stringify(statement.Action) !== JSON.stringify('s3:GetObject')) problems.push(`${bucket}: the bucket policy allows ${JSON.stringify(statement.Action)}, not only s3:GetObject`);
      if (!text.includes('"AWS:SourceArn"') || !text.includes(JSON.stringify({ Ref: cdnId }))) problems.push(`${bucket}: CloudFront may read without the condition AWS:SourceArn = ${cdnId}`);
      if (!text.includes('/app/*')) problems.push(`${bucket}: CloudFront may read beyond app/*`);
    }
    const tlsOnly = statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }));
    if (!tlsOnly) problems.push(`${bucket}: the bucket policy does not refuse plain HTTP (aws:SecureTransport)`);
  }
  return problems;
}
