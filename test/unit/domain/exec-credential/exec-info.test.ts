import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExecInfo } from '../../../../src/domain/exec-credential/exec-info.js';
import { KentraError } from '../../../../src/errors.js';

describe('parseExecInfo (KUBERNETES_EXEC_INFO)', () => {
  it('treats a missing variable as v1 with interactivity unknown', () => {
    assert.deepEqual(parseExecInfo(undefined), {
      apiVersion: 'client.authentication.k8s.io/v1',
      interactive: undefined,
      clusterServer: undefined,
    });
    assert.equal(parseExecInfo('  ').interactive, undefined);
  });

  it('reads apiVersion, spec.interactive and the cluster server', () => {
    const info = parseExecInfo(
      JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        kind: 'ExecCredential',
        spec: { interactive: false, cluster: { server: 'https://127.0.0.1:6443' } },
      }),
    );
    assert.deepEqual(info, {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      interactive: false,
      clusterServer: 'https://127.0.0.1:6443',
    });
    assert.equal(
      parseExecInfo('{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}')
        .interactive,
      true,
    );
  });

  for (const [raw, path] of [
    ['not json', /is not JSON/],
    ['[]', /is not a JSON object/],
    [
      '{"apiVersion":"client.authentication.k8s.io/v1alpha1"}',
      /\.apiVersion is "client\.authentication\.k8s\.io\/v1alpha1"/,
    ],
    ['{"kind":"Pod"}', /\.kind is "Pod"/],
    ['{"spec":{"interactive":"yes"}}', /\.spec\.interactive is not a boolean/],
  ] as const) {
    it(`rejects ${raw} with the path of the bad field`, () => {
      assert.throws(
        () => parseExecInfo(raw),
        (error: unknown) =>
          error instanceof KentraError && error.code === 'config.invalid' && path.test(error.message),
      );
    });
  }
});
