// Turns a packaged CloudFormation template into one moto's CloudFormation can create: resources of a type
// moto cannot model are removed, every Ref / Fn::GetAtt to them becomes a visible stub string, and
// SSM-typed parameters become plain strings with stub values. The caller reports what was removed.

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  [key: string]: unknown;
}

export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown; [key: string]: unknown }>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Rehearsable {
  template: CfnTemplate;
  /** Logical id → type of every resource moto could not create. */
  stripped: Record<string, string>;
  /** Parameters whose SSM lookup was replaced by a stub value. */
  stubbedParameters: string[];
}

/** ARN-shaped, because templates take ARNs apart (notifications splits platform application ARNs on ':app/'). */
export const stubParameterValue = (name: string): string => `arn:aws:sns:us-east-1:000000000000:app/REHEARSAL/${name}`;

export const stubValue = (logicalId: string, attribute?: string): string => `rehearsal-stub:${logicalId}${attribute ? `.${attribute}` : ''}`;

function replaceReferences(value: unknown, removed: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceReferences(item, removed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, unknown];
    if (key === 'Ref' && typeof arg === 'string' && removed.has(arg)) return stubValue(arg);
    if (key === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
      if (id !== undefined && removed.has(id)) return stubValue(id, attribute);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, replaceReferences(item, removed)]));
}

export function rehearsable(source: CfnTemplate, supportedTypes: ReadonlySet<string>): Rehearsable {
  const template = structuredClone(source);
  const stripped: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!supportedTypes.has(resource.Type)) stripped[id] = resource.Type;
  }
  const removed = new Set(Object.keys(stripped));
  for (const id of removed) delete template.Resources[id];
  for (const resource of Object.values(template.Resources)) {
    if (resource.DependsOn !== undefined) {
      const kept = (Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn]).filter((dep) => !removed.has(dep));
      if (kept.length > 0) resource.DependsOn = kept;
      else delete resource.DependsOn;
    }
  }
  template.Resources = replaceReferences(template.Resources, removed) as CfnTemplate['Resources'];
  if (template.Outputs) template.Outputs = replaceReferences(template.Outputs, removed) as CfnTemplate['Outputs'];

  const stubbedParameters: string[] = [];
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (parameter.Type.startsWith('AWS::SSM::Parameter::Value')) {
      template.Parameters![name] = { Type: 'String', Default: stubParameterValue(name) };
      stubbedParameters.push(name);
    }
  }
  return { template, stripped, stubbedParameters };
}

/** The S3 keys of the update template's code artifacts (functions and layers). */
export function artifactKeys(template: CfnTemplate): string[] {
  const keys = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    const code = (resource.Properties?.Code ?? resource.Properties?.Content) as { S3Key?: unknown } | undefined;
    if (typeof code?.S3Key === 'string') keys.add(code.S3Key);
  }
  return [...keys];
}
