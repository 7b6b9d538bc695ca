/**
 * The cache hit reads get-token's flags without node:util (quickValues). Where
 * it answers, it must answer exactly what parseArgs answers over the same flag
 * table; everything else must fall through (undefined) to the full path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from 'node:util';
import { parseArgsOptions, quickValues } from '../../../src/usecases/get-token-args.js';

function reference(argv: string[]): Record<string, unknown> | 'error' {
  try {
    return { ...parseArgs({ args: argv, options: parseArgsOptions(), strict: true }).values };
  } catch {
    return 'error';
  }
}

const pieces = [
  ['--tenant', 't1'],
  ['--tenant=t2'],
  ['--tenant='],
  ['--client-id', 'app'],
  ['--scope', 'api://a/.default'],
  ['--scope=b'],
  ['--force-refresh'],
  ['--force-refresh=yes'],
  ['--timeout', '-5s'],
  ['--login-hint', 'alice@contoso.com'],
  ['--authority', 'https://127.0.0.1:8443'],
  ['--tenant'],
  ['--unknown', 'x'],
  ['-h'],
  ['--help'],
  ['positional'],
  ['--'],
  ['--__proto__', 'x'],
  ['--expect-issuer=https://x/v2.0?a=b=c'],
];

describe('get-token flags on the cache-hit path', () => {
  it('answers what parseArgs answers, or falls through, for every sequence of up to three pieces', () => {
    let answered = 0;
    for (const a of pieces)
      for (const b of pieces)
        for (const c of pieces) {
          const argv = [...a, ...b, ...c];
          const quick = quickValues(argv);
          if (quick === undefined) continue;
          answered++;
          assert.deepEqual({ ...quick }, reference(argv), argv.join(' '));
        }
    assert.ok(answered > 1000, `only ${answered} sequences were answered quickly`);
  });

  it('answers the arguments `kentra kubeconfig` writes', () => {
    const written = [
      ...[
        '--tenant',
        '6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13',
        '--client-id',
        '3f9b7c1e-5a2d-4e6f-8b0c-9d1e2f3a4b5c',
      ],
      ...['--authority', 'https://login.microsoftonline.com', '--login-hint', 'alice@contoso.com'],
      ...['--certificate-authority', '/etc/ca.pem', '--browser-command', 'wslview'],
      ...['--token-type', 'access', '--scope', 'api://k8s/.default', '--scope', 'offline_access'],
      ...['--expect-issuer', 'https://login.microsoftonline.com/x/v2.0', '--expect-audience', 'k8s'],
    ];
    const quick = quickValues(written);
    assert.ok(quick, 'the usual arguments take the quick path');
    assert.deepEqual({ ...quick }, reference(written));
    assert.deepEqual(quick.scope, ['api://k8s/.default', 'offline_access']);
  });

  it('leaves help, short flags, unknown flags and dash-led values to the full path', () => {
    for (const argv of [
      ['--help'],
      ['-h'],
      ['--tenant', 't', '--bogus'],
      ['--tenant', '--client-id', 'x'],
      ['--force-refresh=true'],
      ['--tenant'],
      ['--', '--tenant', 't'],
      ['--toString', 'x'],
    ])
      assert.equal(quickValues(argv), undefined, argv.join(' '));
  });
});
