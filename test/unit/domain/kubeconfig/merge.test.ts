import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { kentraEntries } from '../../../../src/domain/kubeconfig/entries.js';
import { mergeEntries } from '../../../../src/domain/kubeconfig/merge.js';
import { kubectlYaml } from '../../../../src/domain/kubeconfig/shape.js';
import { validateKubeconfig } from '../../../../src/domain/kubeconfig/validate.js';
import { KentraError } from '../../../../src/errors.js';
import { editOf } from '../../../helpers/kubeconfig-edit.js';

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

const summary = (changes: ReturnType<typeof mergeEntries>) =>
  changes.map((change) => `${change.kind}:${change.name}:${change.action}:${change.file}`);

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

describe('merging into existing kubeconfig files', () => {
  it('adds the three entries and keeps every other entry, field, comment and the current context', () => {
    const edit = editOf({ '/a': existing });
    const changes = mergeEntries(edit, entries(), { force: false, useContext: false });
    assert.deepEqual(summary(changes), [
      'cluster:prod:added:/a',
      'user:prod-alice:added:/a',
      'context:prod-alice:added:/a',
    ]);
    const doc = edit.document('/a');
    const text = doc.toString({ indentSeq: false });
    assert.match(text, /^# Team kubeconfig: keep this comment\./);
    assert.match(text, /^- name: staging\n {2}cluster:\n {4}server: https:\/\/staging\.example:6443$/m);
    const merged = doc.toJSON();
    assert.equal(merged['current-context'], 'staging-ops');
    assert.deepEqual(merged.clusters[0].cluster.extensions, [{ name: 'vendor', extension: { keep: 'me' } }]);
    assert.deepEqual(merged.users[0], { name: 'ops', user: { token: 'not-a-real-token' } });
    assert.deepEqual(validateKubeconfig(edit.current()), []);
  });

  it('is idempotent: the same entries again change nothing', () => {
    const first = editOf({ '/a': existing });
    mergeEntries(first, entries(), { force: false, useContext: true });
    const written = first.document('/a').toString();
    const again = editOf({ '/a': written });
    const changes = mergeEntries(again, entries(), { force: false, useContext: true });
    assert.deepEqual(
      changes.map((change) => change.action),
      ['unchanged', 'unchanged', 'unchanged'],
    );
    assert.equal(again.document('/a').toString(), written);
  });

  it('changes an entry in the file where it lives and adds new ones to the default file, as kubectl', () => {
    const second = 'clusters:\n- name: prod\n  cluster: {server: "https://old.example"}\n';
    const edit = editOf({ '/a': existing, '/b': second }, '/a');
    const changes = mergeEntries(edit, entries(), { force: true, useContext: true });
    assert.deepEqual(summary(changes), [
      'cluster:prod:replaced:/b',
      'user:prod-alice:added:/a',
      'context:prod-alice:added:/a',
      'current-context:prod-alice:replaced:/a',
    ]);
    assert.equal(edit.document('/b').toJS().clusters[0].cluster.server, 'https://prod.example:6443');
    assert.equal(edit.document('/a').toJS().clusters.length, 1, 'the first file gets no second "prod"');
  });

  it('refuses a different entry of the same name unless forced, naming it and its file, touching nothing', () => {
    const edit = editOf({
      '/a': existing,
      '/b': 'clusters:\n- name: prod\n  cluster: {server: "https://x"}\n',
    });
    const before = [edit.document('/a').toString(), edit.document('/b').toString()];
    assert.throws(
      () => mergeEntries(edit, entries(), { force: false, useContext: false }),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'config.conflict' &&
        /clusters\[0\] "prod" \(in \/b\)/.test(error.message) &&
        /--force/.test(error.hint ?? ''),
    );
    assert.deepEqual([edit.document('/a').toString(), edit.document('/b').toString()], before);
  });

  it('sets the current context when asked, or when no file sets one', () => {
    const empty = editOf({}, '/new');
    const changes = mergeEntries(empty, entries(), { force: false, useContext: false });
    assert.equal(summary(changes).at(-1), 'current-context:prod-alice:added:/new');
    assert.equal(empty.document('/new').toJS().kind, 'Config');
    // Another file of the list sets one: kubectl would use it, so it stays.
    const later = editOf({ '/a': 'clusters: []\n', '/b': 'current-context: elsewhere\n' }, '/a');
    const kept = mergeEntries(later, entries(), { force: false, useContext: false });
    assert.equal(
      kept.some((change) => change.kind === 'current-context'),
      false,
    );
  });

  it('refuses a document whose lists are not lists', () => {
    assert.throws(
      () =>
        mergeEntries(editOf({ '/a': 'users: {a: 1}' }), entries(), {
          force: false,
          useContext: false,
        }),
      /users is not a list/,
    );
  });

  it('quotes new names that YAML 1.1 (kubectl) would read as booleans', () => {
    const edit = editOf({}, '/new');
    const named = kentraEntries({ ...entryInput, contextName: 'y', userName: 'no', clusterName: 'on' });
    mergeEntries(edit, named, { force: false, useContext: true });
    const text = edit.document('/new').toString();
    assert.match(text, /name: "y"/);
    assert.deepEqual(parseDocument(text, kubectlYaml).toJS().contexts[0].context, {
      cluster: 'on',
      user: 'no',
    });
  });
});

const entryInput = {
  clusterName: 'prod',
  server: 'https://prod.example:6443',
  userName: 'u',
  contextName: 'c',
  command: 'kentra',
  getTokenArgs: [],
};

describe('validating the merged kubeconfig', () => {
  it('reports each problem with its file and path; a context may use another file’s cluster', () => {
    const edit = editOf({
      '/a': 'clusters:\n- name: a\n  cluster: {server: "not a url"}\ncurrent-context: nope\n',
      '/b': [
        'clusters:\n- name: b\n  cluster: {server: "https://x"}',
        'users:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: k}}',
        'contexts:\n- name: c\n  context: {cluster: missing, user: u}\n- name: d\n  context: {cluster: a, user: u}',
      ].join('\n'),
    });
    assert.deepEqual(
      validateKubeconfig(edit.merged).map(
        (problem) => `${problem.file}: ${problem.path}: ${problem.message}`,
      ),
      [
        '/a: clusters[0].cluster.server: is not a URL',
        '/b: users[0].user.exec.interactiveMode: is required in v1 (Never, IfAvailable or Always)',
        '/b: contexts[0].context.cluster: no cluster named "missing"',
        'undefined: current-context: no context named "nope"',
      ],
    );
  });
});
