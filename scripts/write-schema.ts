/**
 * Writes schema/kentra.schema.json from the schema kentra validates with
 * (src/domain/access/schema.ts). A unit test fails when the two differ.
 *
 *   node --import tsx scripts/write-schema.ts
 */
import { writeFile } from 'node:fs/promises';
import { accessFileSchema } from '../src/domain/access/schema.js';

await writeFile(
  new URL('../schema/kentra.schema.json', import.meta.url),
  `${JSON.stringify(accessFileSchema, null, 2)}\n`,
);
