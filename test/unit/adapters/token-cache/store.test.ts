import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tokenCacheDir } from '../../../../src/adapters/token-cache/directory.js';
import type { CacheEntry } from '../../../../src/adapters/token-cache/entry.js';
import { type CacheKey, cacheKey } from '../../../../src/adapters/token-cache/key.js';
import { TokenCacheStore } from '../../../../src/adapters/token-cache/store.js';
import { KentraError } from '../../../../src/errors.js';

const root = await mkdtemp(join(tmpdir(), 'kentra-store-'));
after(() => rm(root, { recursive: true, force: true }));

const key = (account: string): CacheKey =>
  cacheKey({
    authority: 'https://login.microsoftonline.com',
    tenant: 't',
    clientId: 'c',
    scopes: [],
    tokenType: 'id',
    account,
  });
const entry = (account: string, token: string): CacheEntry => ({
  version: 1,
  key: key(account),
  token,
  obtainedAt: 1,
  expiresAt: 2,
});

describe('token cache folder', () => {
  it('is $KUBECACHEDIR/kentra, else ~/.kube/cache/kentra', () => {
    assert.equal(tokenCacheDir({ KUBECACHEDIR: '/var/cache/kube' }, '/home/u'), '/var/cache/kube/kentra');
    assert.equal(tokenCacheDir({}, '/home/u'), '/home/u/.kube/cache/kentra');
    assert.equal(tokenCacheDir({ KUBECACHEDIR: ' ' }, '/home/u'), '/home/u/.kube/cache/kentra');
  });
});

describe('TokenCacheStore', () => {
  it('writes 0600 files in a 0700 folder and reads them back per key', async () => {
    const store = new TokenCacheStore(join(root, 'a', 'kentra'));
    await store.write(entry('alice', 'token-a'));
    await store.write(entry('bob', 'token-b'));
    assert.equal((await store.read(key('alice')))?.token, 'token-a');
    assert.equal((await store.read(key('bob')))?.token, 'token-b');
    assert.equal(await store.read(key('carol')), undefined);
    assert.equal((await stat(store.dir)).mode & 0o777, 0o700);
    for (const name of await readdir(store.dir))
      assert.equal((await stat(join(store.dir, name))).mode & 0o777, 0o600);
  });

  it('tightens an existing folder with loose permissions', async () => {
    const dir = join(root, 'loose');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await new TokenCacheStore(dir).write(entry('x', 't'));
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
  });

  it('replaces an entry atomically and leaves no temporary file behind', async () => {
    const store = new TokenCacheStore(join(root, 'atomic'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write(entry('same', `token-${i}`))));
    const names = await readdir(store.dir);
    assert.equal(names.length, 1, names.join(', '));
    assert.match((await store.read(key('same')))?.token ?? '', /^token-\d+$/);
  });

  it('treats a damaged file or an entry of another key as a miss', async () => {
    const store = new TokenCacheStore(join(root, 'damaged'));
    await store.write(entry('alice', 'token-a'));
    await writeFile(store.entryPath(key('alice')), '{"version":1,"tok');
    assert.equal(await store.read(key('alice')), undefined);
    // A file planted under alice's name that holds bob's key is not alice's token.
    await writeFile(store.entryPath(key('alice')), JSON.stringify(entry('bob', 'token-b')));
    assert.equal(await store.read(key('alice')), undefined);
  });

  it('removes one entry and lists the rest', async () => {
    const store = new TokenCacheStore(join(root, 'remove'));
    await store.write(entry('alice', 'a'));
    await store.write(entry('bob', 'b'));
    assert.equal(await store.remove(key('alice')), true);
    assert.equal(await store.remove(key('alice')), false);
    assert.deepEqual(
      (await store.list()).map((item) => item.entry.key.account),
      ['bob'],
    );
  });

  it('reports a folder it cannot write as io.write with a hint, without the token', async () => {
    const blocker = join(root, 'blocker');
    await writeFile(blocker, 'a file where the folder should be');
    const store = new TokenCacheStore(join(blocker, 'kentra'));
    await assert.rejects(store.write(entry('alice', 'secret-token-value')), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.equal(error.code, 'io.write');
      assert.match(error.hint ?? '', /KUBECACHEDIR/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, /secret-token-value/);
      return true;
    });
    assert.equal(await readFile(blocker, 'utf8'), 'a file where the folder should be');
  });

  it('compares the full key: two keys that share a file id (a hash collision) never share a token', async () => {
    const collide = () => 'c0111de0c0111de0c0111de0c0111de0';
    const store = new TokenCacheStore(join(root, 'collide', 'kentra'), collide);
    assert.equal(store.entryPath(key('alice')), store.entryPath(key('mallory')), 'the ids collide');
    await store.write(entry('alice', 'token-a'));
    assert.equal(await store.read(key('mallory')), undefined, 'a collision is a miss');
    assert.equal((await store.read(key('alice')))?.token, 'token-a');
  });
});
