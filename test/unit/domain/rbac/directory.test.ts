/** The names file, identities typed on the command line, and the RESOURCE argument. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  defaultIdentityMapping,
  entraGroupIdOf,
  parseNamesFile,
} from '../../../../src/domain/rbac/directory.js';
import { resolveIdentity } from '../../../../src/domain/rbac/identity.js';
import { parseAccessRequest } from '../../../../src/domain/rbac/request-parse.js';
import { KentraError } from '../../../../src/errors.js';

const names = parseNamesFile(
  parse(`
groups:
  - {id: G-1, displayName: AKS Admins}
users:
  - {id: u-1, displayName: Alice Admin, userPrincipalName: alice@contoso.com, groups: [aks admins, g-extra]}
`),
  'names.yaml',
);

describe('names file', () => {
  it('maps object IDs to display names (case-insensitive IDs) and group names to IDs', () => {
    assert.equal(names.displayName('g-1'), 'AKS Admins');
    assert.deepEqual(names.users()[0]?.groupIds, ['G-1', 'g-extra']);
    assert.equal(names.findUser('ALICE@contoso.com')?.id, 'u-1');
    assert.equal(names.findUser('alice admin')?.id, 'u-1');
    assert.equal(names.findUser('nobody'), undefined);
  });

  it('rejects bad input with the path to the field', () => {
    const bad = (text: string, message: RegExp) =>
      assert.throws(
        () => parseNamesFile(parse(text), 'n.yaml'),
        (error: unknown) =>
          error instanceof KentraError && error.code === 'config.invalid' && message.test(error.message),
      );
    bad('users: [{id: a}]', /^n\.yaml: users\[0\]\.displayName: expected a non-empty string/);
    bad(
      'groups: [{id: a, displayName: A}, {id: A, displayName: B}]',
      /groups\[1\]\.id: duplicate object ID "A"/,
    );
    bad(
      'users: [{id: a, displayName: A, groups: [1]}]',
      /users\[0\]\.groups\[0\]: expected a group object ID/,
    );
    bad('users: {}', /users: expected a list/);
    bad('- 1', /\(top\)/);
  });
});

describe('identities', () => {
  it('an Entra user signs in as prefix + object ID with prefixed groups; prefixes are parameters', () => {
    const mapping = { userPrefix: 'aad:', groupPrefix: 'aadgroup:' };
    const alice = resolveIdentity('alice@contoso.com', names, mapping, ['extra']);
    assert.equal(alice.kind, 'EntraUser');
    assert.deepEqual(alice.user, {
      name: 'aad:u-1',
      groups: ['aadgroup:G-1', 'aadgroup:g-extra', 'system:authenticated', 'extra'],
    });
    assert.equal(entraGroupIdOf('aadgroup:G-1', mapping), 'G-1');
    assert.equal(entraGroupIdOf('entra:G-1', mapping), undefined);
  });

  it('group:NAME is a member of that group only; ServiceAccounts get their groups', () => {
    assert.deepEqual(resolveIdentity('group:aks admins', names, defaultIdentityMapping).user, {
      name: '',
      groups: ['entra:group:G-1'],
    });
    assert.deepEqual(resolveIdentity('group:ops', names, defaultIdentityMapping).user, {
      name: '',
      groups: ['ops'],
    });
    assert.deepEqual(
      resolveIdentity('system:serviceaccount:ci:deployer', names, defaultIdentityMapping).user.groups,
      ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    );
    assert.throws(
      () => resolveIdentity('system:serviceaccount:ci', names, defaultIdentityMapping),
      /not a ServiceAccount user name/,
    );
    assert.deepEqual(resolveIdentity('bob', names, defaultIdentityMapping).user, {
      name: 'bob',
      groups: ['system:authenticated'],
    });
  });
});

describe('RESOURCE argument', () => {
  const parsed = (resource: string, namespace = '', name = '') =>
    parseAccessRequest({ verb: 'get', resource, namespace, name });
  it('reads resource[.group][/subresource] and /paths', () => {
    assert.deepEqual(parsed('pods/log', 'a', 'web'), {
      verb: 'get',
      apiGroup: '',
      resource: 'pods',
      subresource: 'log',
      name: 'web',
      namespace: 'a',
    });
    assert.deepEqual(parsed('deployments.apps/scale'), {
      verb: 'get',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      name: '',
      namespace: '',
    });
    assert.deepEqual(parsed('ingresses.networking.k8s.io'), {
      verb: 'get',
      apiGroup: 'networking.k8s.io',
      resource: 'ingresses',
      subresource: '',
      name: '',
      namespace: '',
    });
    assert.deepEqual(parsed('/healthz'), { verb: 'get', path: '/healthz' });
  });

  it('rejects what cannot be a request, as a usage error', () => {
    for (const [resource, namespace] of [
      ['pods/', ''],
      ['.apps', ''],
      ['/healthz', 'ns'],
    ] as const)
      assert.throws(
        () => parsed(resource, namespace),
        (error: unknown) => error instanceof KentraError && error.code === 'usage',
      );
  });
});
