/**
 * What kubectl refuses when it decodes a kubeconfig file, so that kentra
 * refuses the same files (and reads every file kubectl reads).
 *
 * kubectl decodes each file into client-go's v1 `Config`
 * (k8s.io/client-go/tools/clientcmd/api/v1/types.go) with a case-sensitive
 * JSON decoder: a known field of the wrong type fails the whole file
 * ("cannot unmarshal string into ... of type bool"), `[]byte` fields must be
 * base64, unknown fields are dropped, `null` is the zero value. Converting the
 * lists into maps (api/v1/conversion.go) fails on a name that appears twice
 * in one list, the empty name included. `apiVersion` must be v1 and `kind`
 * Config when given (api/latest/latest.go).
 */
import type { DocumentOptions, ParseOptions, SchemaOptions, ToStringOptions } from 'yaml';
import { namedLists } from './named-lists.js';
import type { Problem } from './problem.js';

/**
 * YAML as kubectl reads it: sigs.k8s.io/yaml parses with go-yaml v2, which is
 * YAML 1.1 (`y`, `yes`, `on`, `off` are booleans: `name: y` is refused) but
 * resolves neither base-60 numbers (`1:20`) nor timestamps when decoding into
 * plain values. The same options on write make the yaml library quote a new
 * string such as "y" or "no", so kubectl reads back what kentra wrote.
 */
export const kubectlYaml: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter(
      (tag) =>
        typeof tag === 'string' || (tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:timestamp'),
    ),
};

/**
 * The file's own list style, so that writing it back changes only what an
 * edit changed: kubectl writes `- name:` flush with its key (the default); a
 * file whose first block list is indented keeps indented lists.
 */
export function yamlStyleOf(text: string | undefined): ToStringOptions {
  const first =
    text === undefined
      ? undefined
      : /^[^\s#][^\n]*:[ \t]*(?:#[^\n]*)?\n((?:[ \t]*#[^\n]*\n)*)([ \t]*)- /m.exec(text);
  // No folding of long lines (a flow list on one line stays on one line), and `[a]` or `[ a ]` as the file has it.
  const padded = text !== undefined && /[\s:,-][[{] [^\s\]}]/.test(text);
  return { indentSeq: (first?.[2]?.length ?? 0) > 0, lineWidth: 0, flowCollectionPadding: padded };
}

type Leaf = 'string' | 'bool' | 'bytes' | 'strings' | 'stringMap' | 'stringsMap' | 'any';
type Shape = Leaf | { fields: Record<string, Shape> } | { list: Shape };

const extensions: Shape = { list: { fields: { name: 'string', extension: 'any' } } };

const cluster: Shape = {
  fields: {
    server: 'string',
    'tls-server-name': 'string',
    'insecure-skip-tls-verify': 'bool',
    'certificate-authority': 'string',
    'certificate-authority-data': 'bytes',
    'proxy-url': 'string',
    'disable-compression': 'bool',
    extensions,
  },
};

const user: Shape = {
  fields: {
    'client-certificate': 'string',
    'client-certificate-data': 'bytes',
    'client-key': 'string',
    'client-key-data': 'bytes',
    token: 'string',
    tokenFile: 'string',
    as: 'string',
    'as-uid': 'string',
    'as-groups': 'strings',
    'as-user-extra': 'stringsMap',
    username: 'string',
    password: 'string',
    'auth-provider': { fields: { name: 'string', config: 'stringMap' } },
    exec: {
      fields: {
        command: 'string',
        args: 'strings',
        env: { list: { fields: { name: 'string', value: 'string' } } },
        apiVersion: 'string',
        installHint: 'string',
        provideClusterInfo: 'bool',
        interactiveMode: 'string',
      },
    },
    extensions,
  },
};

const context: Shape = {
  fields: { cluster: 'string', user: 'string', namespace: 'string', extensions },
};

const config: Shape = {
  fields: {
    kind: 'string',
    apiVersion: 'string',
    preferences: { fields: { colors: 'bool', extensions } },
    clusters: { list: { fields: { name: 'string', cluster } } },
    users: { list: { fields: { name: 'string', user } } },
    contexts: { list: { fields: { name: 'string', context } } },
    'current-context': 'string',
    extensions,
  },
};

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every reason kubectl would refuse this (already YAML-parsed) file; empty when it reads it. */
export function kubectlDecodeProblems(document: unknown): Problem[] {
  if (document === null || document === undefined) return [];
  if (!isDict(document)) return [{ path: '', message: 'is not a mapping (kubectl expects a Config)' }];
  const problems: Problem[] = [];
  check(document, config, '', problems);
  if (problems.length > 0) return problems;
  const { apiVersion, kind } = document;
  if (apiVersion !== undefined && apiVersion !== null && apiVersion !== '' && apiVersion !== 'v1')
    problems.push({ path: 'apiVersion', message: `must be v1, not "${String(apiVersion)}"` });
  if (kind !== undefined && kind !== null && kind !== '' && kind !== 'Config')
    problems.push({ path: 'kind', message: `must be Config, not "${String(kind)}"` });
  for (const [list] of namedLists) {
    const seen = new Set<string>();
    const items = document[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, index) => {
      const name = isDict(item) && typeof item.name === 'string' ? item.name : '';
      if (seen.has(name))
        problems.push({
          path: `${list}[${index}].name`,
          message: `"${name}" appears twice in the list (kubectl refuses the file)`,
        });
      seen.add(name);
    });
  }
  return problems;
}

function check(value: unknown, shape: Shape, path: string, problems: Problem[]): void {
  if (value === null || value === undefined) return;
  if (typeof shape === 'string') {
    const message = leafProblem(value, shape);
    if (message) problems.push({ path, message });
    return;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) {
      problems.push({ path, message: 'must be a list' });
      return;
    }
    value.forEach((item, index) => {
      check(item, shape.list, `${path}[${index}]`, problems);
    });
    return;
  }
  if (!isDict(value)) {
    problems.push({ path, message: 'must be a mapping' });
    return;
  }
  for (const [key, inner] of Object.entries(shape.fields))
    if (Object.hasOwn(value, key)) check(value[key], inner, path ? `${path}.${key}` : key, problems);
}

function leafProblem(value: unknown, leaf: Leaf): string | undefined {
  switch (leaf) {
    case 'any':
      return undefined;
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, not ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${describe(value)}`;
    case 'bytes':
      return typeof value === 'string' && isBase64(value) ? undefined : 'must be base64 data';
    case 'strings':
      return Array.isArray(value) && value.every((item) => item === null || typeof item === 'string')
        ? undefined
        : 'must be a list of strings';
    case 'stringMap':
      return isDict(value) && Object.values(value).every((item) => item === null || typeof item === 'string')
        ? undefined
        : 'must be a mapping of strings';
    case 'stringsMap':
      return isDict(value) &&
        Object.values(value).every((item) => item === null || leafProblem(item, 'strings') === undefined)
        ? undefined
        : 'must be a mapping of string lists';
  }
}

/** Go's base64.StdEncoding as encoding/json uses it: padded, line breaks ignored. */
function isBase64(text: string): boolean {
  const compact = text.replace(/[\r\n]/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

/** The kind of a value, never the value (it may be a token or a password). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
