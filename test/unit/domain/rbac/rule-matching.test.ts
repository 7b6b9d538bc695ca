/**
 * The matching rules of one PolicyRule, case by case, as upstream's
 * evaluation_helpers.go decides them. Each case documents one semantic rule.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../../../src/domain/rbac/model.js';
import { ruleAllows, trimTrailingStars } from '../../../../src/domain/rbac/rule-matching.js';
import { request } from './snapshot-from-yaml.js';

function rule(fields: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...fields };
}

describe('verbs', () => {
  it('match exactly and case-sensitively; * matches every verb', () => {
    const getPods = rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] });
    assert.equal(ruleAllows(getPods, request('get', 'pods')), true);
    assert.equal(ruleAllows(getPods, request('list', 'pods')), false);
    assert.equal(ruleAllows(getPods, request('GET', 'pods')), false);
    const anyVerb = rule({ verbs: ['*'], apiGroups: [''], resources: ['pods'] });
    for (const verb of ['get', 'escalate', 'impersonate', 'deletecollection'])
      assert.equal(ruleAllows(anyVerb, request(verb, 'pods')), true, verb);
  });
});

describe('apiGroups', () => {
  it('"" is the core group; a named group matches only itself; * matches all', () => {
    const core = rule({ verbs: ['get'], apiGroups: [''], resources: ['deployments'] });
    assert.equal(ruleAllows(core, request('get', 'deployments', { group: 'apps' })), false);
    const apps = rule({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] });
    assert.equal(ruleAllows(apps, request('get', 'deployments', { group: 'apps' })), true);
    assert.equal(ruleAllows(apps, request('get', 'deployments', { group: 'extensions' })), false);
    const any = rule({ verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] });
    assert.equal(ruleAllows(any, request('get', 'deployments', { group: 'extensions' })), true);
    assert.equal(ruleAllows(any, request('get', 'deployments')), true);
  });
});

describe('resources and subresources', () => {
  it('"pods" does not match the subresource pods/log; "pods/log" does', () => {
    const pods = rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] });
    assert.equal(ruleAllows(pods, request('get', 'pods', { subresource: 'log' })), false);
    const logs = rule({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] });
    assert.equal(ruleAllows(logs, request('get', 'pods', { subresource: 'log' })), true);
    assert.equal(ruleAllows(logs, request('get', 'pods')), false);
    assert.equal(ruleAllows(logs, request('get', 'pods', { subresource: 'exec' })), false);
  });

  it('"*" matches every resource and every subresource', () => {
    const any = rule({ verbs: ['get'], apiGroups: [''], resources: ['*'] });
    assert.equal(ruleAllows(any, request('get', 'secrets')), true);
    assert.equal(ruleAllows(any, request('get', 'pods', { subresource: 'exec' })), true);
  });

  it('"*/scale" matches the scale subresource of any resource, never the resource itself', () => {
    const scale = rule({ verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] });
    assert.equal(
      ruleAllows(scale, request('update', 'deployments', { group: 'apps', subresource: 'scale' })),
      true,
    );
    assert.equal(
      ruleAllows(scale, request('update', 'replicasets', { group: 'apps', subresource: 'scale' })),
      true,
    );
    assert.equal(ruleAllows(scale, request('update', 'deployments', { group: 'apps' })), false);
    assert.equal(ruleAllows(scale, request('update', 'pods', { subresource: 'status' })), false);
    // the length check: "*/scale" is not a suffix pattern for "xscale"
    assert.equal(ruleAllows(scale, request('update', 'pods', { subresource: 'xscale' })), false);
  });

  it('has no "pods/*" form: it matches only a subresource literally named *', () => {
    const podsStar = rule({ verbs: ['get'], apiGroups: [''], resources: ['pods/*'] });
    assert.equal(ruleAllows(podsStar, request('get', 'pods', { subresource: 'log' })), false);
    assert.equal(ruleAllows(podsStar, request('get', 'pods')), false);
    assert.equal(ruleAllows(podsStar, request('get', 'pods', { subresource: '*' })), true);
  });
});

describe('resourceNames', () => {
  const named = rule({
    verbs: ['*'],
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: ['app-config'],
  });

  it('allow only the listed names', () => {
    assert.equal(ruleAllows(named, request('get', 'configmaps', { name: 'app-config' })), true);
    assert.equal(ruleAllows(named, request('delete', 'configmaps', { name: 'app-config' })), true);
    assert.equal(ruleAllows(named, request('get', 'configmaps', { name: 'other' })), false);
  });

  it('never match a request without a name: create, list, watch, deletecollection', () => {
    for (const verb of ['create', 'list', 'watch', 'deletecollection'])
      assert.equal(ruleAllows(named, request(verb, 'configmaps')), false, verb);
  });

  it('do match list/watch of one object (a metadata.name field selector sets the name)', () => {
    assert.equal(ruleAllows(named, request('list', 'configmaps', { name: 'app-config' })), true);
    assert.equal(ruleAllows(named, request('watch', 'configmaps', { name: 'app-config' })), true);
  });

  it('an empty list allows every name, and requests without a name', () => {
    const any = rule({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] });
    assert.equal(ruleAllows(any, request('get', 'configmaps', { name: 'x' })), true);
    assert.equal(ruleAllows(any, request('get', 'configmaps')), true);
  });
});

describe('nonResourceURLs', () => {
  const urls = rule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*', '/logs**'] });
  const url = (verb: string, path: string) => ({ verb, path });

  it('match exact paths', () => {
    assert.equal(ruleAllows(urls, url('get', '/healthz')), true);
    assert.equal(ruleAllows(urls, url('get', '/healthz/ready')), false);
    assert.equal(ruleAllows(urls, url('post', '/healthz')), false);
  });

  it('treat a trailing * as a prefix match (not including the bare parent)', () => {
    assert.equal(ruleAllows(urls, url('get', '/apis/apps/v1')), true);
    assert.equal(ruleAllows(urls, url('get', '/apis/')), true);
    assert.equal(ruleAllows(urls, url('get', '/apis')), false);
  });

  it('trim all trailing stars, as Go strings.TrimRight', () => {
    assert.equal(trimTrailingStars('/logs**'), '/logs');
    assert.equal(ruleAllows(urls, url('get', '/logsx')), true);
    assert.equal(ruleAllows(urls, url('get', '/log')), false);
  });

  it('"*" matches every path', () => {
    assert.equal(ruleAllows(rule({ verbs: ['get'], nonResourceURLs: ['*'] }), url('get', '/anything')), true);
  });

  it('never match resource requests, and resource rules never match paths', () => {
    assert.equal(ruleAllows(urls, request('get', 'pods')), false);
    const pods = rule({ verbs: ['get'], apiGroups: ['*'], resources: ['*'] });
    assert.equal(ruleAllows(pods, url('get', '/healthz')), false);
  });
});
