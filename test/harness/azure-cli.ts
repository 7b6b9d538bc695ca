/**
 * The real Azure CLI against the emulator: `az` from PyPI (installed once per
 * machine by tools/install-azure-cli.sh, reused from ~/.cache/kentra after
 * that), with a private profile (AZURE_CONFIG_DIR) in which the emulator is
 * registered as a custom cloud, as a sovereign cloud or Azure Stack would be:
 *
 *   az cloud register -n kentra-emulator --endpoint-active-directory <emulator>
 *     --endpoint-active-directory-resource-id https://management.core.windows.net/
 *     --endpoint-resource-manager <emulator>/arm/ --endpoint-microsoft-graph-resource-id
 *     https://graph.microsoft.com/ --skip-endpoint-discovery
 *   az cloud set -n kentra-emulator
 *   az config set core.instance_discovery=false    (MSAL would ask login.microsoftonline.com)
 *
 * REQUESTS_CA_BUNDLE makes az's Python `requests` (and so MSAL) trust the
 * emulator's CA, and nothing else: az reaches no host beyond loopback.
 * `az login --tenant T --skip-subscription-discovery` signs in without calling
 * Azure Resource Manager. Details: ../shared/reference/azure-cli-custom-cloud.md.
 */
import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorHandle } from './emulator.js';
import { type RunResult, run, runToolScript } from './processes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface AzureCli {
  /** The environment that runs this profile's `az` (PATH first, config dir, CA bundle). */
  env: NodeJS.ProcessEnv;
  /** Runs az; `onStderr` sees its output as it comes (the device-code prompt). */
  az(args: readonly string[], onStderr?: (text: string) => void): Promise<RunResult>;
  /** `az login --use-device-code` to the emulator's tenant, without Azure Resource Manager; `onStderr` sees the prompt. */
  login(onStderr: (text: string) => void): Promise<RunResult>;
}

let installed: Promise<string> | undefined;

/** Installs (first time: minutes, needs PyPI) or reuses the Azure CLI; returns the folder holding `az`. */
export function ensureAzureCli(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
  installed ??= runToolScript(join(repoRoot, 'tools/install-azure-cli.sh'), log);
  return installed;
}

/** An az profile in `dir` with the emulator registered as the active cloud. */
export async function azureCliFor(entra: EmulatorHandle, dir: string): Promise<AzureCli> {
  const binDir = await ensureAzureCli();
  const configDir = join(dir, 'azure');
  await mkdir(configDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    HOME: dir,
    AZURE_CONFIG_DIR: configDir,
    REQUESTS_CA_BUNDLE: entra.caFile,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_SURVEY_MESSAGE: 'false',
  };
  const az: AzureCli['az'] = (args, onStderr) => run(join(binDir, 'az'), args, { env, onStderr });
  const steps = [
    [
      ...['cloud', 'register', '--name', 'kentra-emulator'],
      ...['--endpoint-active-directory', entra.url],
      ...['--endpoint-active-directory-resource-id', 'https://management.core.windows.net/'],
      ...['--endpoint-resource-manager', `${entra.url}/arm/`],
      ...['--endpoint-microsoft-graph-resource-id', 'https://graph.microsoft.com/'],
      '--skip-endpoint-discovery',
    ],
    ['cloud', 'set', '--name', 'kentra-emulator'],
    ['config', 'set', 'core.instance_discovery=false'],
  ];
  for (const step of steps) {
    const result = await az(step);
    if (result.code !== 0) throw new Error(`az ${step.slice(0, 2).join(' ')} failed: ${result.stderr}`);
  }
  const login: AzureCli['login'] = (onStderr) =>
    az(
      [
        'login',
        '--use-device-code',
        '--tenant',
        entra.tenantId,
        '--skip-subscription-discovery',
        '-o',
        'none',
      ],
      onStderr,
    );
  return { env, az, login };
}
