/**
 * The JSON Schemas kentra publishes in schema/, each with the constant the
 * code validates with. scripts/write-schema.ts writes them; a unit test
 * (test/unit/schema-files.test.ts) fails when a file and its constant differ.
 */

import { accessFileSchema } from '../src/domain/access/schema.js';
import type { JsonSchema } from '../src/domain/config-check/json-schema.js';
import { seedSchema } from '../src/emulator/seed-schema.js';
import { webhookConfigSchema } from '../src/webhook/config-schema.js';

export const publishedSchemas: readonly { file: string; schema: JsonSchema }[] = [
  { file: 'kentra.schema.json', schema: accessFileSchema },
  { file: 'webhook-config.schema.json', schema: webhookConfigSchema },
  { file: 'emulator-seed.schema.json', schema: seedSchema },
];
