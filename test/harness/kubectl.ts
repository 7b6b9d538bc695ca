import { execFileSync } from 'node:child_process';
import { type RunResult, run } from './processes.js';

/** The machine's own kubectl (or $KUBECTL); tests never use a bundled or fake one. */
export const kubectlPath = process.env.KUBECTL ?? 'kubectl';

export function assertKubectlInstalled(): string {
  try {
    return execFileSync(kubectlPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  } catch {
    throw new Error(
      `kubectl not found (${kubectlPath}): the e2e tests use the real kubectl. Install it ` +
        '(https://kubernetes.io/docs/tasks/tools/) or point KUBECTL at it.',
    );
  }
}

export function kubectl(
  kubeconfig: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const env = { ...process.env, ...options.env, KUBECONFIG: kubeconfig };
  return run(kubectlPath, args, { input: options.input, env });
}
