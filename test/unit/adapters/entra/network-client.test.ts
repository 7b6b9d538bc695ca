/**
 * kentra's HTTP client for msal-node against a local HTTPS server: it trusts
 * the extra CA, hands MSAL the parsed body, and tells kentra Entra's error
 * answers (which msal-node's device code poll drops), but not "still pending".
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { createNetworkClient } from '../../../../src/adapters/entra/network-client.js';
import { signInError } from '../../../../src/adapters/entra/sign-in-errors.js';
import { createCertificateAuthority } from '../../../../src/adapters/pki.js';
import { closeServer, listenOnLoopback } from '../../../helpers/loopback.js';

const blocked =
  'AADSTS53003: Access has been blocked by Conditional Access policies.\r\nTrace ID: 1\r\nCorrelation ID: 2';

describe('the network client', () => {
  let server: Server;
  let origin: string;
  let caPem: string;

  before(async () => {
    const ca = await createCertificateAuthority('kentra-network-client-test', 1);
    caPem = ca.certPem;
    const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
    server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      const answers: Record<string, [number, unknown]> = {
        '/pending': [400, { error: 'authorization_pending', error_description: 'AADSTS70016: pending' }],
        '/blocked': [400, { error: 'invalid_grant', error_description: blocked, error_codes: [53003] }],
        '/ok': [200, { access_token: 'not-a-real-token' }],
      };
      const [status, body] = answers[req.url ?? ''] ?? [404, { error: 'not_found' }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    origin = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  });
  after(() => closeServer(server));

  it('reports Entra’s error answers, never a pending device code or a success', async () => {
    const seen: string[] = [];
    const client = createNetworkClient({ caPem, onErrorAnswer: (_url, text) => seen.push(text) });
    for (const path of ['/pending', '/ok', '/blocked'])
      await client.sendPostRequestAsync(`${origin}${path}`, { body: 'grant_type=x' });
    assert.deepEqual(seen, [blocked]);
    const ok = await client.sendGetRequestAsync<{ access_token: string }>(`${origin}/ok`);
    assert.equal(ok.status, 200);
  });

  it('lets signInError name the AADSTS code MSAL dropped ("post_request_failed: invalid_grant")', () => {
    const dropped = Object.assign(new Error('post_request_failed: invalid_grant'), {
      errorCode: 'post_request_failed',
    });
    const error = signInError(dropped, { clientId: 'app', tenant: 't', entraError: blocked });
    assert.equal(
      error.message,
      'sign-in failed: a Conditional Access policy blocked the sign-in (AADSTS53003)',
    );
    assert.equal(error.details?.aadsts, 53003);
    const plain = signInError(dropped, { clientId: 'app', tenant: 't' });
    assert.equal(plain.message, 'sign-in failed: invalid_grant');
  });
});
