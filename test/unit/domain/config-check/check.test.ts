import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSchema } from '../../../../src/domain/config-check/check.js';
import { formatIssue } from '../../../../src/domain/config-check/issues.js';
import type { JsonSchema } from '../../../../src/domain/config-check/json-schema.js';

const lines = (schema: JsonSchema, value: unknown) => checkSchema(schema, value).map((i) => formatIssue(i));

describe('checkSchema', () => {
  const schema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1 },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      ratio: { type: 'number', minimum: 0.5 },
      section: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { constructor: { type: 'boolean' as const } },
      },
      tags: { type: 'array', minItems: 1, items: { $ref: '#/$defs/tag' } },
    },
    $defs: { tag: { enum: ['red', 'green'] } },
  };

  it('reports every problem with its path, in document order', () => {
    assert.deepEqual(lines(schema, { port: 0, ratio: 0.1, tags: ['gren', 'red', 3], nmae: 'x' }), [
      'name: is required',
      'port: must be between 1 and 65535',
      'ratio: must be at least 0.5',
      'tags[0]: "gren" is not one of "red", "green" (did you mean "green"?)',
      'tags[2]: 3 is not one of "red", "green"',
      'nmae: unknown field (did you mean "name"?)\n      hint: known fields here: name, port, ratio, section, tags',
    ]);
  });

  it('names the expected type, with alternatives, and tells to quote a scalar YAML read as another type', () => {
    assert.deepEqual(lines(schema, { name: 1.5, port: 80.5, section: [] }), [
      'name: expected a string, got number\n      hint: quote the value: "1.5" (YAML reads 1.5 as a number)',
      'port: expected a whole number, got number',
      'section: expected a mapping or null, got array',
    ]);
    assert.deepEqual(lines(schema, { name: 'a', section: null }), []);
  });

  it('knows a declared property named like an inherited one, and only that one', () => {
    assert.deepEqual(lines(schema, { name: 'a', section: { constructor: true } }), []);
    assert.deepEqual(
      lines(schema, { name: 'a', section: { constructor: 'yes', toString: true } }).map(
        (l) => l.split('\n')[0],
      ),
      ['section.constructor: expected true or false, got string', 'section.toString: unknown field'],
    );
  });

  it('resolves $ref among its own $defs only', () => {
    assert.throws(() => checkSchema({ $ref: '#/$defs/constructor', $defs: {} }, 1), /unresolved \$ref/);
    assert.throws(() => checkSchema({ $ref: '#/$defs/missing' }, 1), /unresolved \$ref/);
  });
});
