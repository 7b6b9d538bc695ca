import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { publishedSchemas } from '../../scripts/published-schemas.js';

describe('the published JSON Schemas in schema/', () => {
  for (const { file, schema } of publishedSchemas)
    it(`${file} is exactly the schema kentra validates with`, () => {
      const published = JSON.parse(readFileSync(new URL(`../../schema/${file}`, import.meta.url), 'utf8'));
      assert.deepEqual(
        published,
        JSON.parse(JSON.stringify(schema)),
        `schema/${file} is stale: run \`node --import tsx scripts/write-schema.ts\``,
      );
    });
});
