/**
 * The subset of JSON Schema (draft 2020-12) that kentra's configuration
 * schemas use: the access file (schema/kentra.schema.json), the webhook
 * configuration and the emulator seed. check.ts implements every keyword
 * listed here and refuses any other, so a published schema never promises a
 * check kentra does not make.
 */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export type JsonSchema = {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  /** One type, or several (`[object, 'null']`: a YAML section left empty means its defaults). */
  type?: JsonType | readonly JsonType[];
  enum?: readonly unknown[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  required?: readonly string[];
  properties?: Readonly<Record<string, JsonSchema>>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  $ref?: string;
  $defs?: Readonly<Record<string, JsonSchema>>;
  /** An annotation for editors and docs; the code that reads the file applies the default. */
  default?: unknown;
};

/** The keywords above, as the checker's list of what it implements. */
export const implementedKeywords: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'enum',
  'pattern',
  'minLength',
  'minimum',
  'maximum',
  'minItems',
  'required',
  'properties',
  'additionalProperties',
  'items',
  '$ref',
  '$defs',
  'default',
]);
