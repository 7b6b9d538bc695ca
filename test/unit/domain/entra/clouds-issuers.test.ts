import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cloudOfAuthority,
  graphFor,
  graphResourceFor,
  isDefaultAuthority,
  isEntraLoginHost,
} from '../../../../src/domain/entra/clouds.js';
import { issuerShape, issuerTemplate } from '../../../../src/domain/entra/issuers.js';

const tid = '6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13';

describe('Entra clouds', () => {
  it('knows each cloud by any of its sign-in hosts, and nothing else', () => {
    assert.equal(cloudOfAuthority('https://login.microsoftonline.com/')?.name, 'public');
    assert.equal(cloudOfAuthority('https://LOGIN.windows.net')?.name, 'public');
    assert.equal(cloudOfAuthority('https://login.microsoftonline.us')?.name, 'usGovernment');
    assert.equal(cloudOfAuthority('https://login.chinacloudapi.cn')?.name, 'china');
    assert.equal(cloudOfAuthority('https://127.0.0.1:8443'), undefined);
    assert.equal(cloudOfAuthority('https://login.microsoftonline.com.evil.example'), undefined);
    assert.equal(cloudOfAuthority('not a url'), undefined);
    assert.equal(isEntraLoginHost('login.partner.microsoftonline.cn'), true);
    assert.equal(isEntraLoginHost('127.0.0.1'), false);
    assert.equal(isDefaultAuthority('https://login.microsoftonline.com/'), true);
    assert.equal(isDefaultAuthority('https://login.microsoftonline.us'), false);
  });

  it("pairs an authority with its cloud's Graph; a local Graph stands for the public one", () => {
    assert.equal(graphFor('https://login.microsoftonline.us'), 'https://graph.microsoft.us');
    assert.equal(graphFor('https://login.chinacloudapi.cn'), 'https://microsoftgraph.chinacloudapi.cn');
    assert.equal(graphFor('https://127.0.0.1:8443'), 'https://graph.microsoft.com');
    assert.equal(graphResourceFor('https://dod-graph.microsoft.us/'), 'https://dod-graph.microsoft.us');
    assert.equal(graphResourceFor('https://127.0.0.1:9443/graph'), 'https://graph.microsoft.com');
  });
});

describe('Entra issuer forms', () => {
  it('reads the form and tenant of an issuer by its shape', () => {
    assert.deepEqual(issuerShape(`https://sts.windows.net/${tid}/`), {
      version: 'v1',
      tenant: tid,
      cloud: cloudOfAuthority('https://login.microsoftonline.com'),
    });
    assert.equal(issuerShape(`https://login.partner.microsoftonline.cn/${tid}/v2.0`)?.cloud?.name, 'china');
    assert.equal(issuerShape(`https://127.0.0.1:1/${tid}/`)?.version, 'v1');
    assert.equal(issuerShape('https://127.0.0.1:1/not-a-tenant/'), undefined, 'v1 elsewhere needs a GUID');
    assert.equal(issuerShape(`https://login.microsoftonline.com/${tid}`), undefined);
    assert.equal(issuerShape('live.com'), undefined);
  });

  it('writes templates for messages', () => {
    assert.equal(
      issuerTemplate('v1', 'https://login.microsoftonline.com'),
      'https://sts.windows.net/{tenant}/',
    );
    assert.equal(issuerTemplate('v2', 'https://127.0.0.1:8443'), 'https://127.0.0.1:8443/{tenant}/v2.0');
  });
});
