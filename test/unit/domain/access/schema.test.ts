import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { accessFileSchema } from '../../../../src/domain/access/schema.js';
import { starterAccessFile } from '../../../../src/domain/access/starter.js';
import { checkSchema } from '../../../../src/domain/config-check/check.js';
import type { JsonSchema } from '../../../../src/domain/config-check/json-schema.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

/** Every property path the schema describes, e.g. `rules[].namespaceSelector.matchLabels`. */
function schemaPaths(schema: JsonSchema, root: JsonSchema, prefix: string): string[] {
  const node = schema.$ref ? (root.$defs?.[schema.$ref.replace('#/$defs/', '')] ?? {}) : schema;
  const paths: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path, ...schemaPaths(child, root, path));
  }
  if (node.items) paths.push(...schemaPaths(node.items, root, `${prefix}[]`));
  return paths;
}

function valuePaths(value: unknown, prefix: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, `${prefix}[]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...valuePaths(child, path)];
    });
  return [];
}

describe('the published JSON Schema', () => {
  it('describes every field the model reads: a file using all of them is valid and fully mapped', () => {
    const raw = parse(read('../../../fixtures/access/full.yaml')) as unknown;
    const described = new Set(schemaPaths(accessFileSchema, accessFileSchema, ''));
    const used = new Set(valuePaths(raw, '').filter((path) => !path.includes('matchLabels.')));
    assert.deepEqual(
      [...described].filter((path) => !used.has(path)),
      [],
      'fields of the schema missing from full.yaml',
    );
    const parsed = parseAccessFile(raw);
    assert.deepEqual(
      parsed.issues.filter((issue) => issue.path[1] !== 'requireMfa'),
      [],
    );
  });

  it('is fully implemented by the checker: an unknown keyword is a bug, not silently ignored', () => {
    assert.throws(
      () => checkSchema({ type: 'string', format: 'uri' } as unknown as JsonSchema, 'x'),
      /not implemented/,
    );
  });

  it('accepts the starter file that `kentra init` writes, as written', () => {
    const parsed = parseAccessFile(parse(starterAccessFile()));
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.file?.rules.length, 2);
  });
});
