/**
 * Fidelity proof: @azure/msal-node, unmodified and configured only with the authority,
 * knownAuthorities and a network client that trusts the emulator's CA, gets tokens by device
 * code, by interactive auth code through its own loopback listener (driven once by the real
 * headless Chromium, otherwise by the stand-in browser), silently by refresh token, and by
 * client credentials. jose verifies every token against the emulator's JWKS.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  PublicClientApplication,
} from '@azure/msal-node';
import { decodeJwt, jwtVerify } from 'jose';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's SPKI allow-list wants it. */
function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

describe('emulator fidelity: @azure/msal-node and jose', () => {
  let entra: EmulatorHandle;
  let chromiumBrowser: Browser;
  const issued: string[] = [];

  before(async () => {
    entra = await startEmulator();
    chromiumBrowser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        // Trust exactly the emulator's CA (its key is pinned; every other certificate error still fails).
        `--ignore-certificate-errors-spki-list=${spkiHash(entra.caPem)}`,
      ],
    });
  });
  after(async () => {
    await chromiumBrowser?.close();
    await entra.stop();
  });

  /** A fresh Chromium page (own cookies), closed with its context by the caller. */
  async function chromiumPage(): Promise<Page> {
    const context = await chromiumBrowser.newContext();
    return context.newPage();
  }

  function publicClient(): PublicClientApplication {
    return new PublicClientApplication({
      auth: {
        clientId: entra.clientId,
        authority: entra.authority,
        knownAuthorities: [new URL(entra.url).host],
      },
      system: { networkClient: entra.networkClient },
    });
  }

  async function verifyAll(result: AuthenticationResult | null): Promise<AuthenticationResult> {
    assert.ok(result, 'msal returned a result');
    const id = await jwtVerify(result.idToken, entra.jwks(2), {
      issuer: entra.issuer,
      audience: entra.clientId,
      algorithms: ['RS256'],
    });
    assert.equal(id.payload.tid, entra.tenantId);
    const access = decodeJwt(result.accessToken);
    const version = access.ver === '1.0' ? 1 : 2;
    await jwtVerify(result.accessToken, entra.jwks(version), {
      issuer: version === 1 ? entra.issuerV1 : entra.issuer,
      algorithms: ['RS256'],
    });
    issued.push(String(access.uti), String(id.payload.uti));
    return result;
  }

  it('device code: msal polls until the user approves in Chromium on the verification page', async () => {
    const pca = publicClient();
    const user = entra.users.developer;
    const page = await chromiumPage();
    let approval: Promise<unknown> | undefined;
    try {
      const result = await pca.acquireTokenByDeviceCode({
        scopes: [`api://${entra.clientId}/user_impersonation`],
        deviceCodeCallback: (response) => {
          approval = (async () => {
            await page.goto(response.verificationUri);
            await page.fill('input[name="otc"]', response.userCode);
            await page.click('#idSIButton9');
            await page.fill('input[name="loginfmt"]', user.upn);
            await page.click('#idSIButton9');
            await page.fill('input[name="passwd"]', user.password);
            await page.click('#idSIButton9');
            return page.waitForSelector('#message');
          })();
        },
      });
      await approval;
      const verified = await verifyAll(result);
      assert.equal(verified.account?.username, user.upn);
      assert.equal(
        verified.account?.homeAccountId,
        `${user.oid}.${entra.tenantId}`,
        'built from client_info',
      );
      const access = decodeJwt(verified.accessToken);
      assert.equal(access.aud, entra.clientId);
      assert.equal(access.ver, '2.0');
    } finally {
      await page.context().close();
    }
  });

  it('interactive auth code + PKCE through the loopback listener, driven by the real Chromium', async () => {
    const pca = publicClient();
    const user = entra.users.admin;
    const page = await chromiumPage();
    try {
      const result = await pca.acquireTokenInteractive({
        scopes: ['User.Read'],
        openBrowser: async (url) => {
          void (async () => {
            await page.goto(url);
            await page.fill('input[name="loginfmt"]', user.upn);
            await page.click('#idSIButton9');
            await page.fill('input[name="passwd"]', user.password);
            await page.click('#idSIButton9');
          })();
        },
        successTemplate: 'signed in',
      });
      const verified = await verifyAll(result);
      assert.equal(verified.account?.username, user.upn);
      assert.equal(decodeJwt(verified.accessToken).aud, 'https://graph.microsoft.com');
    } finally {
      await page.context().close();
    }
  });

  it('Conditional Access MFA: Chromium enters the second factor, the token and the log show it', async () => {
    const pca = new PublicClientApplication({
      auth: {
        clientId: entra.restrictedClientId,
        authority: entra.authority,
        knownAuthorities: [new URL(entra.url).host],
      },
      system: { networkClient: entra.networkClient },
    });
    const user = entra.users.admin;
    const page = await chromiumPage();
    try {
      const result = await pca.acquireTokenInteractive({
        scopes: ['User.Read'],
        loginHint: user.upn,
        openBrowser: async (url) => {
          void (async () => {
            await page.goto(url);
            await page.fill('input[name="passwd"]', user.password);
            await page.click('#idSIButton9');
            await page.fill('input[name="otc"]', user.mfaCode);
            await page.click('#idSubmit_SAOTCC_Continue');
          })();
        },
      });
      assert.ok(result);
      const access = decodeJwt(result.accessToken);
      assert.deepEqual(access.amr, ['pwd', 'mfa']);
      const log = entra.control.signIns().find((s) => s.uniqueTokenIdentifier === access.uti);
      assert.equal(log?.conditionalAccessStatus, 'success');
      assert.equal(log?.authenticationRequirement, 'multiFactorAuthentication');
      issued.push(String(access.uti));
    } finally {
      await page.context().close();
    }
  });

  it('interactive with the stand-in browser, then silently by refresh token', async () => {
    const pca = publicClient();
    const user = entra.users.guest;
    const scopes = [`api://${entra.clientId}/user_impersonation`];
    const first = await verifyAll(
      await pca.acquireTokenInteractive({
        scopes,
        loginHint: user.upn,
        openBrowser: async (url) => {
          void entra.browser().signIn(url, { username: user.upn, password: user.password });
        },
      }),
    );
    assert.ok(first.account);
    const tokenCalls = entra.control.requestCount('token');
    const silent = await verifyAll(
      await pca.acquireTokenSilent({ account: first.account, scopes, forceRefresh: true }),
    );
    assert.equal(entra.control.requestCount('token'), tokenCalls + 1, 'one refresh_token call');
    assert.notEqual(silent.accessToken, first.accessToken);
    assert.equal(decodeJwt(silent.idToken).sid, decodeJwt(first.idToken).sid);
    const log = entra.control
      .signIns()
      .find((s) => s.uniqueTokenIdentifier === decodeJwt(silent.accessToken).uti);
    assert.equal(log?.isInteractive, false);
  });

  it('client credentials with a secret', async () => {
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: entra.automation.clientId,
        clientSecret: entra.automation.secret,
        authority: entra.authority,
        knownAuthorities: [new URL(entra.url).host],
      },
      system: { networkClient: entra.networkClient },
    });
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    assert.ok(result);
    const verified = await jwtVerify(result.accessToken, entra.jwks(1), {
      issuer: entra.issuerV1,
      audience: 'https://graph.microsoft.com',
      algorithms: ['RS256'],
    });
    assert.equal(verified.payload.idtyp, 'app');
    issued.push(String(verified.payload.uti));
  });

  it('every token msal received appears in the sign-in log with its uti', () => {
    const logged = new Set(entra.control.signIns().map((s) => s.uniqueTokenIdentifier));
    assert.ok(issued.length >= 8);
    for (const uti of issued) assert.ok(logged.has(uti), `uti ${uti} is in the sign-in log`);
    assert.deepEqual(entra.serverErrors, []);
  });
});
