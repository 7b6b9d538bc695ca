/**
 * Writes the published JSON Schemas in schema/ from the constants kentra
 * validates with. A unit test (test/unit/schema-files.test.ts) fails when
 * they differ.
 *
 *   node --import tsx scripts/write-schema.ts
 */
import { writeFile } from 'node:fs/promises';
import { publishedSchemas } from './published-schemas.js';

for (const { file, schema } of publishedSchemas)
  await writeFile(new URL(`../schema/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
