/**
 * `kentra kubeconfig convert`: the kubeconfig's Azure/kubelogin, azure
 * auth-provider and int128/kubelogin users rewritten to run `kentra
 * get-token`, written under kubectl's lock (or, with --dry-run, shown as a
 * diff with every secret value redacted).
 */
import { parseDocument } from 'yaml';
import type { KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { type ConvertOptions, type ConvertReport, convertUsers } from '../domain/kubeconfig/convert.js';
import { redactSecrets } from '../domain/kubeconfig/redact.js';
import { kubectlYaml, yamlStyleOf } from '../domain/kubeconfig/shape.js';
import { unifiedDiff } from '../domain/text/unified-diff.js';

export interface ConvertRequest extends ConvertOptions {
  dryRun: boolean;
}

export interface ConvertedFile {
  path: string;
  written: boolean;
  /** With --dry-run: what would change, secrets redacted. */
  diff?: string;
  /** Lines whose layout (not content) kentra's YAML writer changes besides the conversion. */
  reformattedLines: number;
}

export interface ConvertResult extends ConvertReport {
  dryRun: boolean;
  files: ConvertedFile[];
}

export async function convertKubeconfig(
  request: ConvertRequest,
  deps: { kubeconfig: Pick<KubeconfigSource, 'modify'> },
): Promise<ConvertResult> {
  const { result, files } = await deps.kubeconfig.modify((edit) => convertUsers(edit, request), {
    dryRun: request.dryRun,
  });
  return {
    ...result,
    dryRun: request.dryRun,
    files: files.map((file) => ({
      path: file.path,
      written: !request.dryRun,
      reformattedLines: changedLines(file.original, file.before),
      ...(request.dryRun
        ? {
            diff: unifiedDiff(redacted(file.before), redacted(file.after), {
              from: file.path,
              to: file.path,
            }),
          }
        : {}),
    })),
  };
}

/** How many lines differ between two texts (only a count: the lines may hold secrets). */
function changedLines(before: string, after: string): number {
  if (before === '' || before === after) return 0;
  const diff = unifiedDiff(before, after, { from: '', to: '', context: 0 });
  return diff.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('--- ')).length;
}

function redacted(text: string): string {
  return text === '' ? '' : redactSecrets(parseDocument(text, kubectlYaml)).toString(yamlStyleOf(text));
}
