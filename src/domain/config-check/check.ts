/**
 * The one configuration checker: a parsed YAML/JSON value against a JSON
 * Schema (the subset in json-schema.ts), collecting EVERY problem with its
 * field path, and a "did you mean" for misspelt keys and values. The access
 * file, the webhook configuration and the emulator seed are all checked here;
 * what a schema cannot say (cross-field rules, references between entries)
 * their own code checks afterwards, adding to the same list.
 *
 * Keys are looked up among a schema's OWN properties only (`Object.hasOwn`):
 * `__proto__`, `constructor` or `toString` are inherited by every object, and
 * `properties[key]` would find them and let such a key through (#14.3).
 * A schema keyword the checker does not implement is a bug, raised loudly.
 */
import type { FieldPath, ValidationIssue } from './issues.js';
import { implementedKeywords, type JsonSchema, type JsonType } from './json-schema.js';
import { didYouMeanSuffix } from './suggest.js';

/** `record[key]` when `key` is the record's own property, never an inherited one. */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function typeOf(value: unknown): JsonType | 'undefined' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object') return 'object';
  return value === undefined ? 'undefined' : 'other';
}

const typeNames: Record<JsonType, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

function typeMatches(expected: JsonType | readonly JsonType[], value: unknown): boolean {
  const actual = typeOf(value);
  const types: readonly JsonType[] = typeof expected === 'string' ? [expected] : expected;
  return types.some((type) => actual === type || (type === 'number' && actual === 'integer'));
}

function typeName(expected: JsonType | readonly JsonType[]): string {
  const types: readonly JsonType[] = typeof expected === 'string' ? [expected] : expected;
  return types.map((type) => typeNames[type]).join(' or ');
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function rangeMessage(schema: JsonSchema): string {
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`;
  return min !== undefined ? `must be at least ${min}` : `must be at most ${max}`;
}

export function checkSchema(root: JsonSchema, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const resolve = (schema: JsonSchema): JsonSchema => {
    let resolved = schema;
    for (let hops = 0; resolved.$ref !== undefined; hops++) {
      const name = resolved.$ref.startsWith('#/$defs/') ? resolved.$ref.slice('#/$defs/'.length) : '';
      const target = own(root.$defs, name);
      if (!target || hops > 16) throw new Error(`schema: unresolved $ref ${resolved.$ref}`);
      resolved = target;
    }
    return resolved;
  };

  const visitObject = (schema: JsonSchema, object: Record<string, unknown>, path: FieldPath): void => {
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? [])
      if (!Object.hasOwn(object, key)) issues.push({ path: [...path, key], message: 'is required' });
    for (const [key, child] of Object.entries(object)) {
      const propertySchema = own(properties, key);
      if (propertySchema) visit(propertySchema, child, [...path, key]);
      else if (typeof schema.additionalProperties === 'object')
        visit(schema.additionalProperties, child, [...path, key]);
      else if (schema.additionalProperties === false)
        issues.push({
          path: [...path, key],
          message: `unknown field${didYouMeanSuffix(key, Object.keys(properties))}`,
          hint: `known fields here: ${Object.keys(properties).join(', ')}`,
        });
    }
  };

  const visit = (raw: JsonSchema, node: unknown, path: FieldPath): void => {
    const schema = resolve(raw);
    for (const keyword of Object.keys(schema))
      if (!implementedKeywords.has(keyword))
        throw new Error(`schema keyword "${keyword}" is not implemented`);
    if (schema.enum) {
      if (!schema.enum.includes(node)) {
        const options = schema.enum.map(String);
        issues.push({
          path,
          message: `${show(node)} is not one of ${schema.enum.map(show).join(', ')}${typeof node === 'string' ? didYouMeanSuffix(node, options) : ''}`,
        });
      }
      return;
    }
    if (schema.type && !typeMatches(schema.type, node)) {
      const hint =
        typeMatches(schema.type, 'text') && (typeof node === 'number' || typeof node === 'boolean')
          ? `quote the value: "${node}" (YAML reads ${node} as a ${typeof node})`
          : undefined;
      issues.push({ path, message: `expected ${typeName(schema.type)}, got ${typeOf(node)}`, hint });
      return;
    }
    if (typeof node === 'string') {
      if (schema.minLength !== undefined && node.length < schema.minLength)
        issues.push({
          path,
          message:
            schema.minLength === 1 ? 'must not be empty' : `needs at least ${schema.minLength} characters`,
        });
      else if (schema.pattern && !new RegExp(schema.pattern, 'u').test(node))
        issues.push({ path, message: `${show(node)} is not valid`, hint: schema.description });
    }
    if (typeof node === 'number') {
      const tooLow = schema.minimum !== undefined && node < schema.minimum;
      const tooHigh = schema.maximum !== undefined && node > schema.maximum;
      if (tooLow || tooHigh) issues.push({ path, message: rangeMessage(schema), hint: schema.description });
    }
    if (Array.isArray(node)) {
      if (schema.minItems !== undefined && node.length < schema.minItems)
        issues.push({
          path,
          message: `needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`,
        });
      if (schema.items) for (const [i, item] of node.entries()) visit(schema.items, item, [...path, i]);
    }
    if (typeOf(node) === 'object') visitObject(schema, node as Record<string, unknown>, path);
  };
  visit(root, value, []);
  return issues;
}
