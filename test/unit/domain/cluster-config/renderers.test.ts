/**
 * Every renderer against golden files in test/fixtures/cluster-config/, all
 * from access.yaml there. (The AuthenticationConfiguration is also loaded into
 * the real kube-apiserver by test/e2e/access-authentication-config.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { renderAksGuide } from '../../../../src/domain/cluster-config/aks.js';
import {
  authenticationConfigApiVersion,
  renderAuthenticationConfiguration,
} from '../../../../src/domain/cluster-config/authentication-config.js';
import { renderEksConfig } from '../../../../src/domain/cluster-config/eks.js';
import {
  renderKindCluster,
  renderKubeadmClusterConfiguration,
} from '../../../../src/domain/cluster-config/kubeadm.js';
import { flagsInputFor, renderLegacyFlags } from '../../../../src/domain/cluster-config/legacy-flags.js';
import { authenticatorFromAccessFile } from '../../../../src/domain/identity/from-access-file.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/cluster-config/${name}`, import.meta.url), 'utf8');
const parsed = parseAccessFile(parse(fixture('access.yaml')));
const file = parsed.file;
if (!file) throw new Error(JSON.stringify(parsed.issues));
const clientId = file.app.clientId ?? '';
const flagsInput = flagsInputFor(file, clientId);

describe('cluster config renderers', () => {
  it('picks v1 from Kubernetes 1.34 and v1beta1 for 1.30-1.33', () => {
    assert.equal(authenticationConfigApiVersion('1.34'), 'apiserver.config.k8s.io/v1');
    assert.equal(authenticationConfigApiVersion('1.36'), 'apiserver.config.k8s.io/v1');
    assert.equal(authenticationConfigApiVersion('1.33'), 'apiserver.config.k8s.io/v1beta1');
    assert.equal(authenticationConfigApiVersion('1.30'), 'apiserver.config.k8s.io/v1beta1');
    assert.equal(authenticationConfigApiVersion(undefined), 'apiserver.config.k8s.io/v1');
  });

  for (const [version, golden] of [
    ['1.34', 'authentication-config.v1.yaml'],
    ['1.32', 'authentication-config.v1beta1.yaml'],
  ] as const) {
    it(`renders the AuthenticationConfiguration for ${version} (${golden})`, () => {
      const config = renderAuthenticationConfiguration(authenticatorFromAccessFile(file, clientId), {
        apiVersion: authenticationConfigApiVersion(version),
        certificateAuthority: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      });
      assert.deepEqual(config, parse(fixture(golden)));
    });
  }

  it('renders legacy flags and lists what they cannot enforce', () => {
    const rendered = renderLegacyFlags({ ...flagsInput, caFilePath: '/etc/kubernetes/kentra/issuer-ca.pem' });
    assert.deepEqual(rendered.flags, fixture('legacy-flags.txt').trim().split('\n'));
    const lost = rendered.cannotExpress.join('\n');
    for (const what of [
      'extra mappings (uti, sid)',
      'denyGuests',
      'requireAuthenticationContext',
      'maxTokenAge',
      'more than one audience',
    ])
      assert.ok(lost.includes(what), `missing: ${what}`);
  });

  it('renders the EKS identity-provider JSON', () => {
    const { config, cannotExpress } = renderEksConfig('eks-prod', flagsInput);
    assert.deepEqual(config, JSON.parse(fixture('eks-identity-provider.json')));
    assert.ok(cannotExpress.some((item) => item.startsWith('denyGuests')));
  });

  it('renders kubeadm (v1beta4 list extraArgs from 1.31, v1beta3 map before) and kind snippets', () => {
    assert.deepEqual(renderKubeadmClusterConfiguration('1.34'), parse(fixture('kubeadm.v1beta4.yaml')));
    const old = renderKubeadmClusterConfiguration('1.30');
    assert.equal(old.apiVersion, 'kubeadm.k8s.io/v1beta3');
    assert.deepEqual((old.apiServer as { extraArgs: unknown }).extraArgs, {
      'authentication-config': '/etc/kubernetes/kentra/authentication-config.yaml',
    });
    assert.deepEqual(
      renderKindCluster('1.34', './authentication-config.yaml'),
      parse(fixture('kind-config.yaml')),
    );
  });

  it('explains AKS plainly: managed Entra integration only, bare group IDs, no issuer config', () => {
    const guide = renderAksGuide({
      clusterName: 'aks-prod',
      tenantId: file.tenant.id,
      adminGroupIds: ['3f2e1d0c-0000-4000-8000-000000000001'],
    });
    const text = guide.explanation.join(' ');
    assert.match(text, /6dae42f8-4368-4678-94ff-3960e28e3630/);
    assert.match(text, /excludes Entra/);
    assert.match(text, /bare group object IDs/);
    assert.equal(
      guide.commands[0],
      'az aks update --resource-group <RESOURCE_GROUP> --name aks-prod --enable-aad --aad-tenant-id 7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f --aad-admin-group-object-ids 3f2e1d0c-0000-4000-8000-000000000001',
    );
  });
});
