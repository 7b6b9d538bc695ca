/**
 * Client assertions at the emulator's token endpoint, proven with clients
 * nobody here wrote: @azure/identity's ClientCertificateCredential (msal-node
 * signs a PS256 assertion with `x5t#S256`) and WorkloadIdentityCredential (a
 * token file from another OIDC issuer, matched against the app's federated
 * identity credentials; the emulator reads that issuer's keys over HTTPS with
 * the issuer's CA). Refusals are crafted with jose and must carry Entra's codes.
 */
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ClientCertificateCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { EmulatorHandle } from '../../harness/emulator.js';
import { type AppCertificate, createAppCertificate } from '../../helpers/app-certificate.js';
import { type AppCredentials, exchangeAudience, startAppCredentials } from '../../helpers/app-credentials.js';
import type { TestIssuer } from '../../helpers/test-issuer.js';
import { aadsts, claimsOf, tokenCall } from './flow-helpers.js';

const subject = 'system:serviceaccount:ci:deployer';
const graphScope = 'https://graph.microsoft.com/.default';
const roles = ['Group.Read.All', 'User.Read.All'];

describe('emulator: client assertions (certificates and federated credentials)', () => {
  let world: AppCredentials;
  let entra: EmulatorHandle;
  let issuer: TestIssuer;
  let certificate: AppCertificate;
  let dir: string;
  let certificateAppId: string;
  let workloadAppId: string;
  let workloadIssuer: string;

  before(async () => {
    world = await startAppCredentials({ graphRoles: roles, subject });
    ({ entra, issuer, dir } = world);
    certificate = world.certificate.pem;
    certificateAppId = world.certificate.appId;
    workloadAppId = world.workload.appId;
    workloadIssuer = world.workload.issuer;
  });
  after(() => world?.stop());

  const options = () => ({
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: entra.caPem },
  });
  const tokenOf = async (credential: TokenCredential) => (await credential.getToken(graphScope))?.token ?? '';
  const logged = (token: string) =>
    entra.control.signIns().find((s) => s.uniqueTokenIdentifier === claimsOf(token).uti);
  const workloadToken = (claims: JWTPayload = {}) =>
    world.workload.token({ exp: Math.floor(Date.now() / 1000) + 600, ...claims });
  const assertionCall = (
    clientId: string,
    assertion: string,
    type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  ) =>
    tokenCall(entra, {
      client_id: clientId,
      grant_type: 'client_credentials',
      scope: graphScope,
      client_assertion_type: type,
      client_assertion: assertion,
    });

  it('gives ClientCertificateCredential an app-only Graph token for a seeded certificate', async () => {
    const path = join(dir, 'cert-app.pem');
    await writeFile(path, certificate.bundlePem, { mode: 0o600 });
    const token = await tokenOf(
      new ClientCertificateCredential(entra.tenantId, certificateAppId, path, options()),
    );
    const claims = claimsOf(token);
    assert.equal(claims.appid, certificateAppId);
    assert.equal(claims.idtyp, 'app');
    assert.deepEqual(claims.roles, roles);
    assert.equal(logged(token)?.clientCredentialType, 'certificate');
  });

  it('accepts a certificate added through Graph (PATCH keyCredentials), and lists it as Graph does', async () => {
    const created = await entra.graph('/applications', {
      method: 'POST',
      body: { displayName: 'patched-cert-app' },
    });
    const appId = String(created.body.appId);
    assert.equal((await entra.graph('/servicePrincipals', { method: 'POST', body: { appId } })).status, 201);
    const other = await createAppCertificate('kentra-patched');
    const der = new X509Certificate(other.certPem).raw;
    const patch = await entra.graph(`/applications/${created.body.id}`, {
      method: 'PATCH',
      body: {
        keyCredentials: [
          {
            type: 'AsymmetricX509Cert',
            usage: 'Verify',
            key: der.toString('base64'),
            displayName: 'CN=kentra-patched',
          },
        ],
      },
    });
    assert.equal(patch.status, 204);
    const read = await entra.graph(`/applications/${created.body.id}`);
    const [listed] = read.body.keyCredentials as Record<string, unknown>[];
    assert.equal(listed?.customKeyIdentifier, createHash('sha1').update(der).digest('base64'));
    assert.equal(listed?.key, null, 'Graph does not return the certificate itself');
    const path = join(dir, 'patched.pem');
    await writeFile(path, other.bundlePem, { mode: 0o600 });
    const token = await tokenOf(new ClientCertificateCredential(entra.tenantId, appId, path, options()));
    assert.equal(claimsOf(token).appid, appId);
  });

  it('refuses certificate assertions Entra refuses, with its codes', async () => {
    const key = createPrivateKey(certificate.keyPem);
    const x5t = createHash('sha1').update(new X509Certificate(certificate.certPem).raw).digest('base64url');
    const now = Math.floor(Date.now() / 1000);
    const endpoint = `${entra.url}/${entra.tenantId}/oauth2/v2.0/token`;
    const assertion = (
      claims: JWTPayload,
      header: Record<string, unknown> = { alg: 'RS256', x5t },
      signer = key,
    ) =>
      new SignJWT({
        iss: certificateAppId,
        sub: certificateAppId,
        aud: endpoint,
        jti: 'j',
        nbf: now,
        exp: now + 600,
        ...claims,
      })
        .setProtectedHeader(header as { alg: string })
        .sign(signer);
    assert.equal(
      (await assertionCall(certificateAppId, await assertion({}))).status,
      200,
      'the well-formed one passes',
    );
    const cases: [string, Promise<string>, number][] = [
      [
        'an unregistered certificate',
        assertion({}, { alg: 'RS256', x5t: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
        700027,
      ],
      [
        'a signature by another key',
        generateKeyPair('RS256').then(({ privateKey }) => assertion({}, undefined, privateKey as never)),
        700027,
      ],
      [
        'another audience',
        assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }),
        700023,
      ],
      ['an expired assertion', assertion({ nbf: now - 3600, exp: now - 1800 }), 700024],
      ['a subject other than the client', assertion({ sub: workloadAppId }), 700021],
      ['not a JWT', Promise.resolve('not-a-jwt'), 50027],
    ];
    for (const [name, made, code] of cases) {
      const answer = await assertionCall(certificateAppId, await made);
      assert.equal(answer.status, 401 - (code === 50027 ? 1 : 0), name);
      assert.equal(aadsts(answer.body), code, name);
    }
    const wrongType = await assertionCall(
      certificateAppId,
      await assertion({}),
      'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    );
    assert.equal(aadsts(wrongType.body), 9002313);
  });

  it('gives WorkloadIdentityCredential a Graph token for a token of the trusted issuer (federated credential)', async () => {
    const path = world.workload.tokenFile;
    const token = await tokenOf(
      new WorkloadIdentityCredential({
        ...options(),
        tenantId: entra.tenantId,
        clientId: workloadAppId,
        tokenFilePath: path,
      }),
    );
    assert.equal(claimsOf(token).appid, workloadAppId);
    assert.deepEqual(claimsOf(token).roles, roles);
    assert.equal(logged(token)?.clientCredentialType, 'federatedIdentityCredential');
  });

  it('refuses federated assertions that match no credential, or that the issuer did not sign', async () => {
    const cases: [string, Promise<string>, number][] = [
      ['an unknown issuer', workloadToken({ iss: `${issuer.origin}/elsewhere` }), 700211],
      ['another subject', workloadToken({ sub: 'system:serviceaccount:ci:intruder' }), 700213],
      ['another audience', workloadToken({ aud: 'api://somewhere-else' }), 700212],
      ['an expired token', workloadToken({ iat: 0, exp: 600 }), 700024],
      [
        'a key the issuer never published',
        generateKeyPair('RS256').then(async ({ privateKey }) =>
          issuer.signExact(
            {
              iss: workloadIssuer,
              sub: subject,
              aud: exchangeAudience,
              exp: Math.floor(Date.now() / 1000) + 600,
            },
            { keys: { privateKey, publicKey: privateKey } as never, kid: 'unpublished' },
          ),
        ),
        700027,
      ],
    ];
    for (const [name, made, code] of cases) {
      const answer = await assertionCall(workloadAppId, await made);
      assert.equal(answer.status, 401, name);
      assert.equal(aadsts(answer.body), code, name);
    }
  });

  it('accepts a federated credential created through Graph, and says 50166 when the issuer cannot be read', async () => {
    const app = await entra.graph(`/applications(appId='${workloadAppId}')`);
    const created = await entra.graph(`/applications/${app.body.id}/federatedIdentityCredentials`, {
      method: 'POST',
      body: {
        name: 'other-namespace',
        issuer: workloadIssuer,
        subject: 'system:serviceaccount:apps:web',
        audiences: [exchangeAudience],
      },
    });
    assert.equal(created.status, 201);
    const ok = await assertionCall(
      workloadAppId,
      await workloadToken({ sub: 'system:serviceaccount:apps:web' }),
    );
    assert.equal(ok.status, 200);
    const unreachable = `https://127.0.0.1:9/nowhere`;
    await entra.graph(`/applications/${app.body.id}/federatedIdentityCredentials`, {
      method: 'POST',
      body: { name: 'unreachable', issuer: unreachable, subject, audiences: [exchangeAudience] },
    });
    const failed = await assertionCall(workloadAppId, await workloadToken({ iss: unreachable }));
    assert.equal(aadsts(failed.body), 50166);
  });
});
