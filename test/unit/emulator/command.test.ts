import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword } from '../../../src/emulator/default-seed.js';
import { runCli } from '../../helpers/cli.js';

/** Runs `kentra emulator ...` in-process; `whenStarted` gets the summary, then the command is interrupted. */
async function runEmulator(args: string[], whenStarted: (stdout: string) => Promise<void>) {
  let summary = '';
  let interrupt: (signal: string) => void = () => {};
  let started: () => void = () => {};
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  const exit = runCli(['emulator', ...args], {
    interrupted: new Promise((resolve) => {
      interrupt = resolve;
    }),
    onStdout: (text) => {
      summary += text;
      started();
    },
  });
  await Promise.race([startedPromise, exit]);
  try {
    await whenStarted(summary);
  } finally {
    interrupt('SIGINT');
  }
  return exit;
}

function getJson(url: string, ca: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('kentra emulator (command)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-emulator-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints authority, issuer, CA path and demo accounts, serves discovery, and stops on Ctrl-C', async () => {
    const stateDir = join(dir, 'state');
    let kid = '';
    const run = await runEmulator(['--port', '0', '--state-dir', stateDir], async (stdout) => {
      assert.match(stdout, /authority\s+https:\/\/127\.0\.0\.1:\d+\/6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13/);
      assert.match(stdout, /issuer \(v2\)\s+https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/v2\.0/);
      assert.ok(stdout.includes(join(stateDir, 'ca.pem')));
      assert.ok(stdout.includes('alex.admin@kentra-demo.onmicrosoft.com'));
      assert.ok(stdout.includes(demoPassword));
      assert.match(stdout, /manny\.manygroups\S*\s+Manny Manygroups\s+212\s+groups overage/);
      const issuer = /issuer \(v2\)\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const ca = await readFile(join(stateDir, 'ca.pem'), 'utf8');
      const discovery = await getJson(`${issuer}/.well-known/openid-configuration`, ca);
      assert.equal(discovery.status, 200);
      assert.equal(discovery.body.issuer, issuer);
      const keys = await getJson(String(discovery.body.jwks_uri), ca);
      kid = String((keys.body.keys as { kid: string }[])[0]?.kid);
    });
    assert.equal(run.code, 0);
    assert.match(run.stderr, /stopped \(SIGINT\)/);

    const caBefore = await readFile(join(stateDir, 'ca.pem'), 'utf8');
    const again = await runEmulator(
      ['--port', '0', '--state-dir', stateDir, '-o', 'json', '--verbose'],
      async (stdout) => {
        const summary = JSON.parse(stdout) as { issuer: string; caFile: string };
        const keys = await getJson(`${summary.issuer.replace(/\/v2\.0$/, '')}/discovery/v2.0/keys`, caBefore);
        assert.equal((keys.body.keys as { kid: string }[])[0]?.kid, kid, 'signing key reused on restart');
      },
    );
    assert.equal(again.code, 0);
    assert.match(
      again.stderr,
      /^200 GET \/[0-9a-f-]+\/discovery\/v2\.0\/keys \(jwks, \d+ ms\)$/m,
      '--verbose logs requests',
    );
    assert.equal(run.stderr.includes('GET /'), false, 'quiet without --verbose');
    assert.equal(await readFile(join(stateDir, 'ca.pem'), 'utf8'), caBefore, 'CA reused on restart');
  });

  it('reports a bad seed file with field paths and no stack trace', async () => {
    const seed = join(dir, 'bad.yaml');
    await writeFile(
      seed,
      'tenants:\n  - domain: contoso.example\n    users:\n      - userPrincipalName: a@contoso.example\n',
    );
    const result = await runCli(['emulator', '--port', '0', '--state-dir', join(dir, 's2'), '--seed', seed]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /kentra: error \[config\.invalid\]: seed file .*bad\.yaml has 1 problem/);
    assert.match(result.stderr, /tenants\[0\]\.users\[0\]\.password: is required/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('explains a damaged state folder instead of failing with a stack trace', async () => {
    const stateDir = join(dir, 'damaged');
    const first = await runEmulator(['--port', '0', '--state-dir', stateDir], async () => {});
    assert.equal(first.code, 0);
    await writeFile(join(stateDir, 'signing-keys.json'), '{not json');
    const result = await runCli(['emulator', '--port', '0', '--state-dir', stateDir]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /\[config\.invalid\]: the signing keys in .*signing-keys\.json cannot be read/,
    );
    assert.match(result.stderr, /hint: Delete that file/);
  });

  it('rejects a bad port and a missing seed file', async () => {
    const port = await runCli(['emulator', '--port', 'eighty']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port must be a number/);
    const missing = await runCli([
      'emulator',
      '--port',
      '0',
      '--state-dir',
      join(dir, 's3'),
      '--seed',
      join(dir, 'nope.yaml'),
    ]);
    assert.match(missing.stderr, /\[io\.read\]: cannot read the seed file/);
  });
});
