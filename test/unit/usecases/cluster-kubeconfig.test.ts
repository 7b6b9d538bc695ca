/**
 * `kentra kubeconfig --access --cluster` (#14.7): the get-token a kubeconfig
 * entry runs asks for a token whose `aud` is the one its cluster accepts. The
 * token Entra would mint for that request (its `aud` by Entra's documented
 * rule, below) is accepted by that cluster's authenticator, the same object
 * `kentra cluster config` renders, and refused by another environment's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { authenticateClaims } from '../../../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../../../src/domain/identity/from-access-file.js';
import { KentraError } from '../../../src/errors.js';
import { writeClusterKubeconfig } from '../../../src/usecases/cluster-kubeconfig.js';
import { parseGetTokenArgs } from '../../../src/usecases/get-token-args.js';
import type { GetTokenInput } from '../../../src/usecases/get-token-cache.js';
import { loadAccessFile } from '../../../src/usecases/load-access.js';

const tenant = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';
const appId = '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c';
const prodApp = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const stagingApp = '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c';

const accessText = (app: Record<string, unknown>, clusters: Record<string, unknown>[]) =>
  stringify({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: tenant, authority: 'https://login.example.test', certificateAuthorityFile: 'idp-ca.pem' },
    app: { clientId: appId, ...app },
    clusters,
    policy: { allowedClientApps: ['c0ffee00-0000-4000-8000-000000000001'] },
    rules: [],
  });

const environments = accessText({}, [
  { name: 'prod', environment: 'production', audience: prodApp, server: 'https://prod.example.test' },
  { name: 'staging', environment: 'staging', audience: stagingApp, server: 'https://staging.example.test' },
  { name: 'fresh', environment: 'sandbox', server: 'https://fresh.example.test' },
]);

/** The get-token input of the user `kentra kubeconfig --access --cluster NAME --stdout` writes. */
async function entryFor(text: string, cluster: string): Promise<{ input: GetTokenInput; args: string[] }> {
  const result = await writeClusterKubeconfig(
    {
      access: '/work/kentra.yaml',
      cluster,
      command: 'kentra',
      scopes: [],
      force: false,
      useContext: true,
      toStdout: true,
    },
    {
      kubeconfig: { modify: () => Promise.reject(new Error('--stdout writes no file')) },
      cwd: '/work',
      readText: async () => text,
    },
  );
  const exec = parse(result.text ?? '').users[0].user.exec;
  const args = (exec.args as string[]).slice((exec.args as string[]).indexOf('get-token') + 1);
  return { input: parseGetTokenArgs(args), args };
}

/**
 * What Entra puts in `aud` for a get-token request: an ID token names the client that signed in;
 * a v1 access token the resource as the scope named it (`<uri>/.default` -> `<uri>`)
 * (learn.microsoft.com/entra/identity-platform/id-token-claims-reference and
 * access-token-claims-reference, `aud`).
 */
function mintedClaims(input: GetTokenInput, version: 1 | 2): Record<string, unknown> {
  const common = { tid: tenant, oid: '11111111-1111-4111-8111-111111111111', iat: 1, exp: 2 };
  if (input.tokenType === 'id')
    return { ...common, iss: `https://login.example.test/${tenant}/v2.0`, aud: input.clientId };
  assert.equal(version, 1, 'only v1 access tokens carry a URI audience');
  const resource = (input.scopes[0] ?? '').replace(/\/\.default$/, '');
  // The v1 issuer on the authority's host (login.example.test is no Microsoft cloud).
  return { ...common, iss: `https://login.example.test/${tenant}/`, aud: resource, appid: input.clientId };
}

describe('kentra kubeconfig --access --cluster', () => {
  it("asks for the cluster environment's token: accepted there, refused by another environment's cluster", async () => {
    const access = await loadAccessFile('kentra.yaml', async () => environments);
    const [prod, staging] = access.file.clusters;
    assert.ok(prod && staging);
    for (const [own, other, audience] of [
      [prod, staging, prodApp],
      [staging, prod, stagingApp],
    ] as const) {
      const { input, args } = await entryFor(environments, own.name);
      assert.equal(input.clientId, audience, "signs in with the environment's app");
      assert.equal(input.tokenType, 'id');
      assert.equal(input.expect?.audience, audience);
      assert.equal(input.expect?.issuer, `https://login.example.test/${tenant}/v2.0`);
      assert.ok(args.includes('/work/idp-ca.pem'), "the IdP's CA, resolved against the access file");
      const token = mintedClaims(input, 2);
      const at = (cluster: typeof own) => authenticatorFromAccessFile(access.file, appId, cluster);
      assert.deepEqual(at(own).audiences, [input.expect?.audience], 'kubeconfig and cluster config agree');
      assert.equal(at(own).issuer, input.expect?.issuer);
      assert.equal(
        authenticateClaims(at(own), token).authenticated,
        true,
        `${own.name} accepts its token (also under policy.allowedClientApps: its app is its ID tokens' client)`,
      );
      assert.deepEqual(authenticateClaims(at(other), token), {
        authenticated: false,
        reason: 'audience does not match',
      });
    }
  });

  it('an app ID URI audience (v1 tokens): an access token for <uri>/.default', async () => {
    const text = accessText({ tokenVersion: 1 }, [
      { name: 'prod', audience: 'api://prod.example.test/kentra', server: 'https://prod.example.test' },
      { name: 'dev', audience: 'api://dev.example.test/kentra', server: 'https://dev.example.test' },
    ]);
    const access = await loadAccessFile('kentra.yaml', async () => text);
    const [prod, dev] = access.file.clusters;
    assert.ok(prod && dev);
    const { input } = await entryFor(text, 'prod');
    assert.deepEqual(
      { client: input.clientId, type: input.tokenType, scopes: input.scopes, expect: input.expect?.audience },
      {
        client: appId,
        type: 'access',
        scopes: ['api://prod.example.test/kentra/.default'],
        expect: 'api://prod.example.test/kentra',
      },
    );
    assert.equal(input.expect?.issuer, `https://login.example.test/${tenant}/`);
    const token = mintedClaims(input, 1);
    assert.equal(
      authenticateClaims(authenticatorFromAccessFile(access.file, appId, prod), token).authenticated,
      true,
    );
    assert.equal(
      authenticateClaims(authenticatorFromAccessFile(access.file, appId, dev), token).authenticated,
      false,
    );
  });

  it('names the missing step for an environment setup has not made an app for', async () => {
    await assert.rejects(
      entryFor(environments, 'fresh'),
      (error: unknown) =>
        error instanceof KentraError &&
        /clusters\[2\]\.audience is not set: environment "sandbox" has no app yet/.test(error.message) &&
        /kentra entra setup/.test(error.hint ?? ''),
    );
  });
});
