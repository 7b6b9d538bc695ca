/**
 * `kentra kubeconfig`: writes (or prints) a cluster, a user that runs
 * `kentra get-token`, and a context, merged into the user's kubeconfig without
 * disturbing anything else, then validated the way kubectl will read it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Document } from 'yaml';
import type { KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { type KentraEntries, kentraEntries } from '../domain/kubeconfig/entries.js';
import { getTokenArgs } from '../domain/kubeconfig/get-token-settings.js';
import { type Change, mergeEntries } from '../domain/kubeconfig/merge.js';
import { type MergedKubeconfig, mergeKubeconfigs } from '../domain/kubeconfig/merged.js';
import { kubectlYaml } from '../domain/kubeconfig/shape.js';
import { type Problem, validateKubeconfig } from '../domain/kubeconfig/validate.js';
import { KentraError } from '../errors.js';

export interface KubeconfigRequest {
  clusterName: string;
  server: string;
  clusterCaFile?: string;
  tlsServerName?: string;
  namespace?: string;
  userName?: string;
  contextName?: string;
  command: string;
  /** get-token settings */
  tenant: string;
  clientId: string;
  authority?: string;
  tokenType?: 'id' | 'access';
  scopes: string[];
  loginHint?: string;
  login?: string;
  clientCertificate?: string;
  identityClientId?: string;
  idpCaFile?: string;
  browserCommand?: string;
  accessGroup?: string;
  expectIssuer?: string;
  expectAudience?: string;
  /** how */
  force: boolean;
  useContext: boolean;
  toStdout: boolean;
}

export interface KubeconfigDeps {
  /** The user's kubeconfig (kubectl's files and rules); written under its lock. */
  kubeconfig: Pick<KubeconfigSource, 'modify'>;
  /** Resolves --certificate-authority and --idp-certificate-authority. */
  cwd: string;
}

export interface KubeconfigResult {
  /** The file that holds the context (written unless nothing changed), or undefined with --stdout. */
  path?: string;
  changes: Change[];
  /** Problems in entries kentra did not write (reported, not fatal). */
  warnings: Problem[];
  /** The document, with --stdout. */
  text?: string;
  context: string;
}

export async function writeKubeconfig(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
): Promise<KubeconfigResult> {
  const entries = await entriesFor(request, deps.cwd);
  const context = entries.context.name;
  if (request.toStdout) {
    const doc = new Document({}, kubectlYaml);
    const current = () => mergeKubeconfigs([{ path: '(stdout)', config: doc.toJS() }]);
    const edit = { merged: mergeKubeconfigs([]), defaultFile: '(stdout)', document: () => doc, current };
    const changes = mergeEntries(edit, entries, { force: false, useContext: true });
    check(current(), entries);
    return { changes, warnings: [], text: doc.toString({ indentSeq: false }), context };
  }
  const { result } = await deps.kubeconfig.modify((edit) => {
    const changes = mergeEntries(edit, entries, { force: request.force, useContext: request.useContext });
    const warnings = check(edit.current(), entries);
    const path = changes.find((change) => change.kind === 'context')?.file ?? edit.defaultFile;
    return { path, changes, warnings, context };
  });
  return result;
}

async function entriesFor(request: KubeconfigRequest, cwd: string): Promise<KentraEntries> {
  if (!URL.canParse(request.server) || new URL(request.server).protocol !== 'https:')
    throw new KentraError('usage', `--server must be an https URL, not "${request.server}"`);
  let clusterCaPem: string | undefined;
  if (request.clusterCaFile) {
    const file = resolve(cwd, request.clusterCaFile);
    clusterCaPem = await readFile(file, 'utf8').catch((cause: unknown) => {
      throw new KentraError('config.invalid', `--certificate-authority ${file} cannot be read`, { cause });
    });
    if (!clusterCaPem.includes('-----BEGIN CERTIFICATE-----'))
      throw new KentraError('config.invalid', `--certificate-authority ${file} holds no PEM certificate`);
  }
  const contextName =
    request.contextName ??
    (request.loginHint ? `${request.clusterName}-${request.loginHint}` : request.clusterName);
  return kentraEntries({
    clusterName: request.clusterName,
    server: request.server,
    clusterCaPem,
    tlsServerName: request.tlsServerName,
    userName: request.userName ?? contextName,
    contextName,
    namespace: request.namespace,
    command: request.command,
    getTokenArgs: getTokenArgs({
      ...request,
      // Absolute: kubectl runs the plugin from wherever the user happens to be.
      caFile: request.idpCaFile && resolve(cwd, request.idpCaFile),
      clientCertificate: request.clientCertificate && resolve(cwd, request.clientCertificate),
    }),
  });
}

/** Fails on problems in kentra's own entries (before anything is written); returns the others as warnings. */
function check(merged: MergedKubeconfig, entries: KentraEntries): Problem[] {
  const problems = validateKubeconfig(merged);
  const ours = problems.filter(
    (problem) => problem.entry !== undefined && entries[problem.entry.kind].name === problem.entry.name,
  );
  if (ours.length > 0)
    throw new KentraError(
      'config.invalid',
      ours.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('; '),
      {
        hint: 'Nothing was written. Check the flags named above.',
      },
    );
  return problems.filter((problem) => !ours.includes(problem));
}
