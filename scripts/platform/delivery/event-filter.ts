// Lambda event filtering (FilterCriteria patterns) for the local stream poller: a record reaches the function
// when any pattern matches. Supports the syntax the services can use: exact values, prefix, suffix,
// equals-ignore-case, exists, anything-but and numeric ranges; anything else is refused loudly.

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numericMatches(value: Json, conditions: Json[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const operator = conditions[i];
    const operand = conditions[i + 1];
    if (typeof operand !== 'number') throw new Error(`numeric filter needs numbers, got ${JSON.stringify(operand)}`);
    const holds = { '=': value === operand, '<': value < operand, '<=': value <= operand, '>': value > operand, '>=': value >= operand }[String(operator)];
    if (holds === undefined) throw new Error(`Unsupported numeric operator ${JSON.stringify(operator)}`);
    if (!holds) return false;
  }
  return true;
}

/** One element of a pattern's value list against one present value. */
function valueMatches(condition: Json, value: Json): boolean {
  if (!isObject(condition)) return condition === value;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && typeof operand === 'string' && value.startsWith(operand);
    case 'suffix':
      return typeof value === 'string' && typeof operand === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but':
      return Array.isArray(operand) ? !operand.some((o) => valueMatches(o, value)) : !valueMatches(operand, value);
    case 'numeric':
      return Array.isArray(operand) && numericMatches(value, operand);
    default:
      throw new Error(`Unsupported filter operator ${JSON.stringify(operator)}`);
  }
}

function fieldMatches(conditions: Json, value: Json): boolean {
  if (isObject(conditions)) return isObject(value) && patternMatches(conditions, value);
  if (!Array.isArray(conditions)) throw new Error(`A filter pattern's leaf must be a list, got ${JSON.stringify(conditions)}`);
  const exists = conditions.find((c) => isObject(c) && 'exists' in c) as { exists: boolean } | undefined;
  if (exists) return exists.exists === (value !== undefined);
  if (value === undefined) return false;
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((condition) => values.some((v) => valueMatches(condition, v)));
}

export function patternMatches(pattern: Record<string, Json>, record: Json): boolean {
  if (!isObject(record)) return false;
  return Object.entries(pattern).every(([key, conditions]) => fieldMatches(conditions, record[key]));
}

/** No patterns: every record passes, as with a mapping without FilterCriteria. */
export function passesFilters(patterns: unknown[], record: Json): boolean {
  return patterns.length === 0 || patterns.some((pattern) => isObject(pattern) && patternMatches(pattern, record));
}
