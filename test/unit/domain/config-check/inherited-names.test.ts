/**
 * Security issue #14.3: an unknown-field check must look up a key among the
 * schema's OWN properties. `__proto__`, `constructor` and `toString` are names
 * every JavaScript object inherits; a lookup such as `properties[key]` finds
 * them and lets the key through. YAML and JSON parsers create them as ordinary
 * own keys, so each config file kentra reads must refuse them like any typo.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { formatIssue } from '../../../../src/domain/config-check/issues.js';
import { tenantsFromSeedText } from '../../../../src/emulator/seed.js';
import { KentraError } from '../../../../src/errors.js';
import { parseWebhookConfig } from '../../../../src/webhook/config.js';

const inherited = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const tenant = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';

/** YAML text with `name: x` added to the mapping at `at` (a key written literally, as a user would). */
function withKey(document: Record<string, unknown>, at: readonly (string | number)[], name: string): string {
  const copy = structuredClone(document);
  let node: Record<string, unknown> = copy;
  for (const part of at) node = (node as Record<string | number, unknown>)[part] as Record<string, unknown>;
  node.placeholderKey = 'x';
  return stringify(copy).replace('placeholderKey:', `${name}:`);
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KentraError, String(error));
    return error.message;
  }
  assert.fail('the file was accepted');
}

describe('inherited property names are unknown fields in every config file', () => {
  const access = {
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: tenant },
    clusters: [{ name: 'dev' }],
    rules: [{ group: 'developers', clusterRole: 'view' }],
  };
  for (const name of inherited)
    for (const at of [[], ['tenant'], ['clusters', 0], ['rules', 0]] as const) {
      const where = [...at, name].join('.');
      it(`kentra.yaml refuses ${where}`, () => {
        const raw = parse(withKey(access, at, name)) as unknown;
        const node = at.reduce<unknown>((n, p) => (n as Record<string | number, unknown>)[p], raw);
        assert.ok(Object.hasOwn(node as object, name), 'the parser kept the key');
        const issues = parseAccessFile(raw).issues.map((issue) => formatIssue(issue));
        assert.ok(
          issues.some((line) => line.includes(`${name}: unknown field`)),
          `no unknown-field issue for ${where}: ${JSON.stringify(issues)}`,
        );
      });
    }

  const webhook = {
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'WebhookConfiguration',
    entra: { tenants: [tenant], audiences: ['app'] },
    cache: { ttlSeconds: 5 },
  };
  for (const name of inherited)
    for (const at of [[], ['entra'], ['cache']] as const) {
      const where = [...at, name].join('.');
      it(`the webhook configuration refuses ${where}`, () => {
        const message = failure(() => parseWebhookConfig(withKey(webhook, at, name), 'hook.yaml'));
        assert.match(message, new RegExp(`${where.replaceAll('.', '\\.')}: unknown field`));
      });
    }

  const seed = {
    tenants: [{ domain: 'a.example', users: [{ userPrincipalName: 'a@a.example', password: 'p' }] }],
  };
  for (const name of inherited)
    for (const at of [[], ['tenants', 0], ['tenants', 0, 'users', 0]] as const) {
      const where = at.reduce<string>(
        (path, p) => (typeof p === 'number' ? `${path}[${p}]` : path ? `${path}.${p}` : p),
        '',
      );
      it(`the emulator seed refuses ${where ? `${where}.` : ''}${name}`, () => {
        const message = failure(() => tenantsFromSeedText(withKey(seed, at, name), 'seed.yaml'));
        assert.ok(message.includes(`${where ? `${where}.` : ''}${name}: unknown field`), message);
      });
    }
});
