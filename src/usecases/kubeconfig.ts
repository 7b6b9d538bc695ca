/**
 * `kentra kubeconfig`: writes (or prints) a cluster, a user that runs
 * `kentra get-token`, and a context, merged into the user's kubeconfig without
 * disturbing anything else, then validated the way kubectl will read it.
 */
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { isDefaultAuthority } from '../domain/entra/clouds.js';
import { type KentraEntries, kentraEntries } from '../domain/kubeconfig/entries.js';
import { kubeconfigPath } from '../domain/kubeconfig/location.js';
import { type Change, mergeEntries } from '../domain/kubeconfig/merge.js';
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
  grantType?: string;
  idpCaFile?: string;
  browserCommand?: string;
  accessGroup?: string;
  expectIssuer?: string;
  expectAudience?: string;
  /** where and how */
  kubeconfig?: string;
  force: boolean;
  useContext: boolean;
  toStdout: boolean;
}

export interface KubeconfigDeps {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
}

export interface KubeconfigResult {
  /** The file written, or undefined with --stdout. */
  path?: string;
  changes: Change[];
  /** Problems in entries kentra did not write (reported, not fatal). */
  warnings: Problem[];
  /** The document, with --stdout. */
  text?: string;
  context: string;
}

export function getTokenArgs(request: KubeconfigRequest, cwd: string): string[] {
  const args = ['--tenant', request.tenant, '--client-id', request.clientId];
  if (request.authority && !isDefaultAuthority(request.authority))
    args.push('--authority', request.authority);
  // Absolute: kubectl runs the plugin from wherever the user happens to be.
  if (request.idpCaFile) args.push('--certificate-authority', resolve(cwd, request.idpCaFile));
  if (request.tokenType && request.tokenType !== 'id') args.push('--token-type', request.tokenType);
  for (const scope of request.scopes) args.push('--scope', scope);
  if (request.loginHint) args.push('--login-hint', request.loginHint);
  if (request.grantType && request.grantType !== 'auto') args.push('--grant-type', request.grantType);
  if (request.browserCommand) args.push('--browser-command', request.browserCommand);
  if (request.accessGroup) args.push('--access-group', request.accessGroup);
  if (request.expectIssuer) args.push('--expect-issuer', request.expectIssuer);
  if (request.expectAudience) args.push('--expect-audience', request.expectAudience);
  return args;
}

export async function writeKubeconfig(
  request: KubeconfigRequest,
  deps: KubeconfigDeps,
): Promise<KubeconfigResult> {
  const entries = await entriesFor(request, deps.cwd);
  const context = entries.context.name;
  if (request.toStdout) {
    const doc = new Document({});
    const changes = mergeEntries(doc, entries, { force: false, useContext: true });
    check(doc, entries, '(stdout)');
    return { changes, warnings: [], text: doc.toString({ indentSeq: false }), context };
  }
  const path = resolve(deps.cwd, kubeconfigPath(request.kubeconfig, deps.env, deps.home));
  const existing = await readExisting(path);
  const doc = existing === undefined ? new Document({}) : parseDocument(existing);
  if (doc.errors.length > 0)
    throw new KentraError(
      'config.invalid',
      `${path} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`,
      {
        hint: 'Fix the file first (kubectl cannot read it either), or write elsewhere with --kubeconfig PATH.',
      },
    );
  const changes = mergeEntries(doc, entries, { force: request.force, useContext: request.useContext });
  const warnings = check(doc, entries, path);
  if (changes.some((change) => change.action !== 'unchanged'))
    await writeAtomically(path, doc.toString({ indentSeq: false }));
  return { path, changes, warnings, context };
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
    getTokenArgs: getTokenArgs(request, cwd),
  });
}

/** Fails on problems in kentra's own entries; returns the others as warnings. */
function check(doc: Document, entries: KentraEntries, where: string): Problem[] {
  const problems = validateKubeconfig(doc.toJSON());
  const ours = problems.filter(
    (problem) => problem.entry !== undefined && entries[problem.entry.kind].name === problem.entry.name,
  );
  if (ours.length > 0)
    throw new KentraError(
      'config.invalid',
      `${where}: ${ours.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      {
        hint: 'Nothing was written. Check the flags named above.',
      },
    );
  return problems.filter((problem) => !ours.includes(problem));
}

async function readExisting(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KentraError('io.read', `cannot read ${path}`, { cause: error });
  }
}

/** Temp file + rename in the same folder; keeps the file's mode (new files are 0600: they hold credentials). */
async function writeAtomically(path: string, text: string): Promise<void> {
  const mode = await stat(path).then(
    (info) => info.mode & 0o777,
    () => 0o600,
  );
  const temp = `${path}.kentra-${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, text, { mode, flag: 'w' });
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new KentraError('io.write', `cannot write ${path}`, {
      cause,
      hint: 'Check the folder permissions, or print the entries with --stdout.',
    });
  }
}
