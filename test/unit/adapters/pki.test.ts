import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { connect, createServer as createTlsServer } from 'node:tls';
import { createCertificateAuthority, loadCertificateAuthority } from '../../../src/adapters/pki.js';

describe('pki', () => {
  it('issues a server certificate that Node TLS verifies against the CA for 127.0.0.1', async () => {
    const ca = await createCertificateAuthority('test ca');
    const leaf = await ca.issue({
      commonName: 'srv',
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost'],
      usage: 'server',
    });
    const server = createTlsServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const socket = connect({ host: '127.0.0.1', port, ca: ca.certPem });
    socket.setEncoding('utf8');
    const [data] = (await once(socket, 'data')) as [string];
    assert.equal(data, 'hello');
    assert.equal(socket.authorized, true);
    socket.destroy();
    server.close();
  });

  it('refuses a server certificate from another CA', async () => {
    const ca = await createCertificateAuthority('one');
    const other = await createCertificateAuthority('two');
    const leaf = await other.issue({ commonName: 'srv', ipAddresses: ['127.0.0.1'], usage: 'server' });
    const server = createTlsServer({ cert: leaf.certPem, key: leaf.keyPem });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const socket = connect({ host: '127.0.0.1', port, ca: ca.certPem });
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    server.close();
  });

  it('puts groups into O= of a client certificate and survives a reload of the CA', async () => {
    const ca = await loadCertificateAuthority(await createCertificateAuthority('reloaded'));
    const leaf = await ca.issue({ commonName: 'alice', organizations: ['dev', 'ops'], usage: 'client' });
    const cert = new X509Certificate(leaf.certPem);
    assert.match(cert.subject, /CN=alice/);
    assert.deepEqual(
      cert.subject.split('\n').filter((line) => line.startsWith('O=')),
      ['O=dev', 'O=ops'],
    );
    assert.equal(cert.checkIssued(new X509Certificate(ca.certPem)), true);
    assert.equal(cert.verify(new X509Certificate(ca.certPem).publicKey), true);
  });

  it('keeps unusual characters in names from becoming extra attributes', async () => {
    const ca = await createCertificateAuthority('x');
    const leaf = await ca.issue({ commonName: 'eve, O=system:masters', usage: 'client' });
    const subject = new X509Certificate(leaf.certPem).subject;
    assert.ok(!subject.split('\n').includes('O=system:masters'), subject);
  });
});
