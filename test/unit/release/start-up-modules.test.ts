/**
 * The compiled binary's cache hit evaluates only the hit path: small source
 * modules and cheap built-ins. node:util and node:fs each cost Bun ~1.5-2 ms to
 * load (a quarter of a cache hit, bench/get-token.ts); packages (commander, MSAL,
 * yaml, jose) and the command tree load only behind a dynamic import().
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startUpModules } from '../../../scripts/release/start-up-modules.js';

const cheapBuiltins = ['node:fs/promises', 'node:module', 'node:os', 'node:path'];

describe("the compiled binary's start-up modules", () => {
  it('are kentra source files only, with cheap built-ins, and small', async () => {
    const loaded = await startUpModules();
    assert.ok(loaded.sources.includes('src/bin/kentra.ts'), loaded.sources.join(', '));
    assert.ok(loaded.sources.includes('src/usecases/get-token-cache.ts'), 'the hit path itself is there');
    const foreign = loaded.sources.filter((source) => !source.startsWith('src/'));
    assert.deepEqual(foreign, [], 'a package would be evaluated before every kubectl command');
    for (const heavy of [
      'src/cli/main.ts',
      'src/cli/commands.ts',
      'src/usecases/get-token.ts',
      'src/usecases/sign-in.ts',
    ])
      assert.ok(!loaded.sources.includes(heavy), `${heavy} is loaded at start`);
    assert.deepEqual(
      loaded.builtins.filter((name) => !cheapBuiltins.includes(name)),
      [],
      `built-ins loaded at start: ${loaded.builtins.join(', ')}`,
    );
    assert.ok(loaded.bytes < 32 * 1024, `${loaded.bytes} bytes of code at start`);
  });
});
