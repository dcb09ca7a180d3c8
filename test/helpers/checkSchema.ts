/**
 * A small JSON Schema check (type, required, properties, items, enum, additionalProperties, $ref into the given
 * components) for testing that responses look as the OpenAPI document says. Returns the problems, empty when none.
 */
export function checkSchema(value: unknown, schema: Record<string, unknown>, schemas: Record<string, unknown>, where = '$'): string[] {
  if (typeof schema.$ref === 'string') return checkSchema(value, schemas[schema.$ref.split('/').pop()!] as Record<string, unknown>, schemas, where);
  const problems: string[] = [];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.type !== undefined) {
    const types = [schema.type].flat() as string[];
    if (!types.some((t) => isType(value, t))) return [`${where}: ${JSON.stringify(value)?.slice(0, 60)} is not ${types.join(' or ')}`];
  }
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${where}: "${value}" does not match ${schema.pattern}`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => problems.push(...checkSchema(v, schema.items as Record<string, unknown>, schemas, `${where}[${i}]`)));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) problems.push(`${where}: missing ${key}`);
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) problems.push(...checkSchema(v, props[key], schemas, `${where}.${key}`));
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') problems.push(...checkSchema(v, schema.additionalProperties as Record<string, unknown>, schemas, `${where}.${key}`));
      else if (schema.properties && schema.additionalProperties === undefined && Object.keys(props).length > 0) problems.push(`${where}: ${key} is not described`);
    }
  }
  return problems;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number';
    default: return typeof value === type;
  }
}
