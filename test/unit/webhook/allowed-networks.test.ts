/**
 * policy.allowedNetworks checks the address the user signed in from (Entra's
 * `ipaddr` claim), not the address a request comes from. When the rule is set,
 * a token without `ipaddr` is denied (it cannot prove where it was issued), the
 * rule can live in the access file, and `kentra entra setup` asks Entra to put
 * `ipaddr` into tokens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterApps } from '../../../src/domain/access/cluster-apps.js';
import { parseAccessFile } from '../../../src/domain/access/parse.js';
import { desiredClusterApp } from '../../../src/domain/entra-app/desired.js';
import { parseWebhookConfig, resolveWebhookConfig } from '../../../src/webhook/config.js';
import { livePolicy } from '../../../src/webhook/policy.js';

const now = Date.parse('2026-11-29T05:00:00Z');
const tenant = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';
const accessWith = (policy: Record<string, unknown>) =>
  parseAccessFile({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: tenant },
    app: { clientId: '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c' },
    clusters: [{ name: 'dev' }],
    policy,
    rules: [{ group: 'developers', clusterRole: 'view' }],
  });

describe('policy.allowedNetworks', () => {
  it('denies a token without ipaddr when the rule is set (source_network_unknown)', () => {
    const policy = livePolicy({ maxTokenAgeSeconds: undefined, allowedNetworks: ['10.0.0.0/8'] });
    assert.deepEqual(policy({ ipaddr: '10.1.2.3' }, now), { ok: true });
    assert.deepEqual(policy({}, now), { ok: false, reason: 'source_network_unknown' });
    assert.deepEqual(policy({ ipaddr: 42 }, now), { ok: false, reason: 'source_network_unknown' });
    assert.deepEqual(livePolicy({ maxTokenAgeSeconds: undefined, allowedNetworks: [] })({}, now), {
      ok: true,
    });
  });

  it('is an access-file policy field, checked for CIDR syntax', () => {
    const access = accessWith({ allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'] });
    assert.deepEqual(access.issues, []);
    assert.deepEqual(access.file?.policy.allowedNetworks, ['10.0.0.0/8', '2001:db8::/32']);
    const bad = accessWith({ allowedNetworks: ['10.0.0.0/40'] });
    assert.match(JSON.stringify(bad.issues), /allowedNetworks/);
  });

  it('the webhook enforces the access file rule unless its own config names networks', () => {
    const access = accessWith({ allowedNetworks: ['10.0.0.0/8'] });
    assert.ok(access.file);
    const base = {
      apiVersion: 'kentra.dev/v1alpha1',
      kind: 'WebhookConfiguration',
      tls: { certFile: 'c', keyFile: 'k', clientCaFile: 'ca' },
      accessFile: 'kentra.yaml',
    };
    const fromFile = resolveWebhookConfig(
      parseWebhookConfig(JSON.stringify(base), 'w.yaml'),
      access.file,
      'w.yaml',
    );
    assert.deepEqual(fromFile.policy.allowedNetworks, ['10.0.0.0/8']);
    const own = resolveWebhookConfig(
      parseWebhookConfig(
        JSON.stringify({ ...base, policy: { allowedNetworks: ['192.0.2.0/24'] } }),
        'w.yaml',
      ),
      access.file,
      'w.yaml',
    );
    assert.deepEqual(own.policy.allowedNetworks, ['192.0.2.0/24']);
  });

  it('entra setup adds the ipaddr optional claim to ID and access tokens when the rule is set', () => {
    const withRule = accessWith({ allowedNetworks: ['10.0.0.0/8'] }).file;
    const without = accessWith({}).file;
    assert.ok(withRule && without);
    const claims = (file: typeof withRule) => {
      const [app] = clusterApps(file);
      assert.ok(app);
      const optional = desiredClusterApp(file, app, now).application.optionalClaims;
      assert.ok(optional);
      return optional;
    };
    assert.ok(claims(withRule).idToken.some((claim) => claim.name === 'ipaddr'));
    assert.ok(claims(withRule).accessToken.some((claim) => claim.name === 'ipaddr'));
    assert.ok(!claims(without).idToken.some((claim) => claim.name === 'ipaddr'));
  });
});
