/**
 * The webhook image's Containerfile, linted (test/helpers/containerfile-lint.ts;
 * hadolint is not on the test machines) and held to what the Deployment
 * promises: the same non-root user, and a read-only root filesystem. The image is
 * built only where a builder exists (podman or a running Docker engine); this
 * machine has neither, so the build itself is not part of the tests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../../scripts/release/bun-compile.js';
import { lintContainerfile, parseContainerfile } from '../../helpers/containerfile-lint.js';

const containerfile = readFileSync(join(repoRoot, 'deploy/webhook/Containerfile'), 'utf8');

describe('deploy/webhook/Containerfile', () => {
  it('passes the lint', () => {
    assert.deepEqual(lintContainerfile(containerfile), []);
  });

  it('builds the executable with the compile script and runs `kentra webhook` by default', () => {
    const instructions = parseContainerfile(containerfile);
    const run = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    assert.ok(
      run.some((args) => args.includes('scripts/compile.ts --host')),
      run.join('\n'),
    );
    const entrypoint = instructions.find((i) => i.keyword === 'ENTRYPOINT');
    const cmd = instructions.find((i) => i.keyword === 'CMD');
    assert.deepEqual(JSON.parse(entrypoint?.args ?? '[]'), ['/usr/local/bin/kentra']);
    assert.deepEqual(JSON.parse(cmd?.args ?? '[]'), [
      'webhook',
      '--config',
      '/etc/kentra/kentra-webhook.yaml',
    ]);
  });

  it("matches the Deployment's user and read-only root filesystem", () => {
    const user = parseContainerfile(containerfile)
      .filter((i) => i.keyword === 'USER')
      .pop()?.args;
    const deployment = parseAllDocuments(
      readFileSync(join(repoRoot, 'deploy/webhook/deployment.yaml'), 'utf8'),
    )
      .map((doc) => doc.toJS() as { kind?: string; spec?: { template?: { spec?: Record<string, unknown> } } })
      .find((doc) => doc.kind === 'Deployment');
    const pod = deployment?.spec?.template?.spec as {
      securityContext: { runAsUser: number; runAsNonRoot: boolean };
      containers: { args: string[]; securityContext: { readOnlyRootFilesystem: boolean } }[];
    };
    assert.equal(user?.split(':')[0], String(pod.securityContext.runAsUser));
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.containers[0]?.securityContext.readOnlyRootFilesystem, true);
    assert.equal(
      pod.containers[0]?.args[0],
      'webhook',
      'the Deployment passes the subcommand to the entrypoint',
    );
  });

  it('the lint refuses what it should', () => {
    const broken = [
      'FROM node AS build',
      'RUN npm install',
      'FROM docker.io/library/debian:latest',
      'ADD https://example.invalid/kentra /kentra',
      'USER 65532',
      'COPY --from=builder /kentra /kentra',
      'RUN chmod +x /kentra',
      'ENTRYPOINT /kentra webhook',
    ].join('\n');
    assert.deepEqual(lintContainerfile(broken), [
      'line 1: node is not pinned to a tag or digest',
      'line 3: docker.io/library/debian:latest uses :latest',
      "the final stage's base docker.io/library/debian:latest is not a small base (distroless, chainguard, alpine, scratch)",
      'line 2: npm install (use npm ci: the lock file decides)',
      'line 4: ADD (use COPY)',
      'line 6: COPY --from=builder names no stage',
      'line 7: RUN in the final stage',
      'line 8: ENTRYPOINT is not in exec form',
      'line 6: COPY after USER',
      'line 6: the copied files are writable (give --chmod without write bits)',
      'line 6: the copied files are not owned by root',
    ]);
    assert.deepEqual(
      lintContainerfile('FROM gcr.io/distroless/static:nonroot\nUSER root\nENTRYPOINT ["/k"]'),
      ['line 2: USER root is not a numeric non-root user (runAsNonRoot needs a number)'],
    );
  });
});
