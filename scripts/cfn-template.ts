// Reading CloudFormation templates: what the deploy checks share.

/** The logical id a `Ref` or `Fn::GetAtt` points at, or undefined for anything else. */
export function logicalIdOf(reference: unknown): string | undefined {
  const ref = reference as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof ref?.Ref === 'string') return ref.Ref;
  const getAtt = ref?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}
