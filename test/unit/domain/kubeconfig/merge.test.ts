import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Document, parseDocument } from 'yaml';
import { kentraEntries } from '../../../../src/domain/kubeconfig/entries.js';
import { kubeconfigPath } from '../../../../src/domain/kubeconfig/location.js';
import { mergeEntries } from '../../../../src/domain/kubeconfig/merge.js';
import { validateKubeconfig } from '../../../../src/domain/kubeconfig/validate.js';
import { KentraError } from '../../../../src/errors.js';

const existing = readFileSync(new URL('../../../fixtures/kubeconfig/existing.yaml', import.meta.url), 'utf8');
const entries = (server = 'https://prod.example:6443') =>
  kentraEntries({
    clusterName: 'prod',
    server,
    clusterCaPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    userName: 'prod-alice',
    contextName: 'prod-alice',
    command: 'kentra',
    getTokenArgs: ['--tenant', 't', '--client-id', 'c', '--login-hint', 'alice@contoso.com'],
  });

describe('kentra kubeconfig entries', () => {
  it('run kentra get-token with exec v1, IfAvailable and an install hint', () => {
    const { user, cluster, context } = entries();
    assert.equal(user.user.exec.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(user.user.exec.interactiveMode, 'IfAvailable');
    assert.deepEqual(user.user.exec.args.slice(0, 3), ['get-token', '--tenant', 't']);
    assert.match(user.user.exec.installHint, /npm install --global kentra/);
    assert.match(
      Buffer.from(cluster.cluster['certificate-authority-data'] ?? '', 'base64').toString(),
      /BEGIN CERTIFICATE/,
    );
    assert.deepEqual(context.context, { cluster: 'prod', user: 'prod-alice' });
  });
});

describe('merging into an existing kubeconfig', () => {
  it('adds the three entries and keeps every other entry, field, comment and the current context', () => {
    const doc = parseDocument(existing);
    const changes = mergeEntries(doc, entries(), { force: false, useContext: false });
    assert.deepEqual(
      changes.map((change) => `${change.kind}:${change.name}:${change.action}`),
      ['cluster:prod:added', 'user:prod-alice:added', 'context:prod-alice:added'],
    );
    const text = doc.toString({ indentSeq: false });
    assert.match(text, /^# Team kubeconfig: keep this comment\./);
    assert.match(text, /^- name: staging\n {2}cluster:\n {4}server: https:\/\/staging\.example:6443$/m);
    const merged = doc.toJSON();
    assert.equal(merged['current-context'], 'staging-ops');
    assert.deepEqual(merged.clusters[0].cluster.extensions, [{ name: 'vendor', extension: { keep: 'me' } }]);
    assert.deepEqual(merged.users[0], { name: 'ops', user: { token: 'not-a-real-token' } });
    assert.deepEqual(validateKubeconfig(merged), []);
  });

  it('is idempotent: the same entries again change nothing', () => {
    const doc = parseDocument(existing);
    mergeEntries(doc, entries(), { force: false, useContext: true });
    const before = doc.toString();
    const again = mergeEntries(doc, entries(), { force: false, useContext: true });
    assert.deepEqual(
      again.map((change) => change.action),
      ['unchanged', 'unchanged', 'unchanged'],
    );
    assert.equal(doc.toString(), before);
  });

  it('refuses a different entry of the same name unless forced, naming it', () => {
    const doc = parseDocument(existing);
    mergeEntries(doc, entries(), { force: false, useContext: false });
    const before = doc.toString();
    assert.throws(
      () => mergeEntries(doc, entries('https://other.example:6443'), { force: false, useContext: false }),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'config.conflict' &&
        /clusters\[1\] "prod"/.test(error.message) &&
        /--force/.test(error.hint ?? ''),
    );
    assert.equal(doc.toString(), before, 'nothing is half-applied');
    const forced = mergeEntries(doc, entries('https://other.example:6443'), {
      force: true,
      useContext: false,
    });
    assert.equal(forced[0]?.action, 'replaced');
    assert.equal(doc.toJSON().clusters[1].cluster.server, 'https://other.example:6443');
  });

  it('sets the current context when asked, or when the file has none', () => {
    const doc = new Document({});
    const changes = mergeEntries(doc, entries(), { force: false, useContext: false });
    assert.deepEqual(changes.at(-1), { kind: 'current-context', name: 'prod-alice', action: 'added' });
    assert.equal(doc.toJSON().kind, 'Config');
  });

  it('refuses a document whose lists are not lists', () => {
    assert.throws(
      () => mergeEntries(parseDocument('users: {a: 1}'), entries(), { force: false, useContext: false }),
      /users is not a list/,
    );
  });
});

describe('validating a kubeconfig', () => {
  it('reports each problem with its path', () => {
    const problems = validateKubeconfig({
      clusters: [
        { name: 'a', cluster: { server: 'not a url' } },
        { name: 'a', cluster: { server: 'https://x' } },
      ],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'k' } } }],
      contexts: [{ name: 'c', context: { cluster: 'missing', user: 'u' } }],
      'current-context': 'nope',
    });
    assert.deepEqual(
      problems.map((problem) => `${problem.path}: ${problem.message}`),
      [
        'clusters[1].name: "a" appears twice; kubectl uses the first cluster',
        'clusters[0].cluster.server: is not a URL',
        'users[0].user.exec.interactiveMode: is required in v1 (Never, IfAvailable or Always)',
        'contexts[0].context.cluster: no cluster named "missing"',
        'current-context: no context named "nope"',
      ],
    );
  });
});

describe('which kubeconfig file', () => {
  it('is --kubeconfig, else the first KUBECONFIG file, else ~/.kube/config', () => {
    assert.equal(kubeconfigPath('/x/flag', { KUBECONFIG: '/a:/b' }, '/home/u', ':'), '/x/flag');
    assert.equal(kubeconfigPath(undefined, { KUBECONFIG: ':/a:/b' }, '/home/u', ':'), '/a');
    assert.equal(kubeconfigPath(undefined, {}, '/home/u', ':'), '/home/u/.kube/config');
  });
});
