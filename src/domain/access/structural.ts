/**
 * Checks a parsed YAML value against the subset of JSON Schema that
 * kentra.schema.json uses, collecting every problem with its field path and a
 * "did you mean" hint for misspelt keys and values. A schema keyword this
 * checker does not implement is a bug, reported loudly, so the published
 * schema can never promise more than kentra checks.
 */
import type { FieldPath, ValidationIssue } from './issues.js';
import type { JsonSchema } from './schema.js';
import { didYouMeanSuffix } from './suggest.js';

const known = new Set([
  'type',
  'enum',
  'pattern',
  'minLength',
  'minItems',
  'required',
  'properties',
  'additionalProperties',
  'items',
  '$ref',
  '$defs',
  'description',
  'title',
  '$schema',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

export function checkSchema(root: JsonSchema, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const resolve = (schema: JsonSchema): JsonSchema => {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/$defs/', '');
    const target = root.$defs?.[name];
    if (!target) throw new Error(`schema: unresolved $ref ${schema.$ref}`);
    return target;
  };
  const visit = (raw: JsonSchema, node: unknown, path: FieldPath): void => {
    const schema = resolve(raw);
    for (const keyword of Object.keys(schema))
      if (!known.has(keyword)) throw new Error(`schema keyword "${keyword}" is not implemented`);
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
        schema.type === 'string' && typeof node === 'number'
          ? `quote the value: "${node}" (YAML reads ${node} as a number)`
          : undefined;
      issues.push({
        path,
        message: `expected ${schema.type === 'object' ? 'a mapping' : schema.type}, got ${typeOf(node)}`,
        hint,
      });
      return;
    }
    if (typeof node === 'string') {
      if (schema.minLength !== undefined && node.length < schema.minLength)
        issues.push({ path, message: 'must not be empty' });
      else if (schema.pattern && !new RegExp(schema.pattern).test(node))
        issues.push({ path, message: `${show(node)} is not valid`, hint: schema.description });
    }
    if (Array.isArray(node)) {
      if (schema.minItems !== undefined && node.length < schema.minItems)
        issues.push({
          path,
          message: `needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`,
        });
      if (schema.items)
        for (const [i, item] of node.entries()) visit(schema.items as JsonSchema, item, [...path, i]);
    }
    if (typeOf(node) === 'object') {
      const object = node as Record<string, unknown>;
      const properties = schema.properties ?? {};
      for (const key of schema.required ?? [])
        if (!Object.hasOwn(object, key)) issues.push({ path: [...path, key], message: 'is required' });
      for (const [key, child] of Object.entries(object)) {
        const propertySchema = properties[key];
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
    }
  };
  visit(root, value, []);
  return issues;
}
