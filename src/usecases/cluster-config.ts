/**
 * `kentra cluster config`: what to install on the API server side of one
 * cluster, in the form that cluster takes.
 */
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import type { Files } from '../adapters/files.js';
import { clusterAudience } from '../domain/access/cluster-apps.js';
import { type ClusterSpec, isObjectId } from '../domain/access/model.js';
import { aksGroupPrefix, renderAksGuide } from '../domain/cluster-config/aks.js';
import {
  authenticationConfigApiVersion,
  renderAuthenticationConfiguration,
} from '../domain/cluster-config/authentication-config.js';
import { renderEksConfig } from '../domain/cluster-config/eks.js';
import {
  authenticationConfigPath,
  renderKindCluster,
  renderKubeadmClusterConfiguration,
} from '../domain/cluster-config/kubeadm.js';
import { flagsInputFor, renderLegacyFlags } from '../domain/cluster-config/legacy-flags.js';
import { authenticatorFromAccessFile } from '../domain/identity/from-access-file.js';
import { KentraError } from '../errors.js';
import type { LoadedAccessFile, ReadText } from './load-access.js';
import { selectCluster } from './select-cluster.js';

export const configFormats = ['auth-config', 'flags', 'kubeadm', 'kind', 'eks', 'aks'] as const;
export type ConfigFormat = (typeof configFormats)[number];

export interface Artifact {
  /** Suggested file name. */
  fileName: string;
  /** What it is and where it goes. */
  title: string;
  /** An object (rendered as YAML or JSON) or plain text lines. */
  content: Record<string, unknown> | string[];
}

export interface ClusterConfigResult {
  cluster: string;
  format: ConfigFormat;
  artifacts: Artifact[];
  notes: string[];
}

/** Minor version as written ("1.29" -> 29); undefined means "1.34 or later". */
function minorVersion(cluster: ClusterSpec): number {
  return Number(cluster.kubernetesVersion?.split('.')[1] ?? '34');
}

function defaultFormat(cluster: ClusterSpec): ConfigFormat {
  // Structured authentication exists from 1.30 (beta); older API servers only take the flags.
  if (cluster.kind === 'self-managed' && minorVersion(cluster) < 30) return 'flags';
  switch (cluster.kind) {
    case 'kind':
      return 'kind';
    case 'eks':
      return 'eks';
    case 'aks':
      return 'aks';
    default:
      return 'auth-config';
  }
}

const authConfigFile = 'authentication-config.yaml';

/** What a renderer works from; it adds what the user must know to `notes`. */
interface RenderInput {
  access: LoadedAccessFile;
  cluster: ClusterSpec;
  notes: string[];
  readText: ReadText;
}

/** One output format: the files it produces for a cluster. */
type Renderer = (input: RenderInput) => Promise<Artifact[]>;

/** Format -> renderer: `--format` picks one, `defaultFormat` picks for a cluster's kind and version. */
const renderers: Record<ConfigFormat, Renderer> = {
  'auth-config': async (input) => {
    input.notes.push(
      'the API server reloads this file when it changes; it cannot be combined with --oidc-* flags',
    );
    return [await authenticationConfigArtifact(input)];
  },
  kubeadm: async (input) => {
    input.notes.push(
      `save the AuthenticationConfiguration as ${authenticationConfigPath} on every control-plane node`,
    );
    return [
      await authenticationConfigArtifact(input),
      {
        fileName: 'kubeadm-config.yaml',
        title: 'kubeadm ClusterConfiguration (merge into yours)',
        content: renderKubeadmClusterConfiguration(input.cluster.kubernetesVersion),
      },
    ];
  },
  kind: async (input) => {
    input.notes.push(
      `save the AuthenticationConfiguration as ./${authConfigFile} next to kind-config.yaml, then: kind create cluster --config kind-config.yaml`,
    );
    return [
      await authenticationConfigArtifact(input),
      {
        fileName: 'kind-config.yaml',
        title: 'kind cluster config',
        content: renderKindCluster(input.cluster.kubernetesVersion, `./${basename(authConfigFile)}`),
      },
    ];
  },
  flags: async ({ access, cluster, notes }) => {
    const { file } = access;
    const rendered = renderLegacyFlags({
      ...flagsInputFor(file, audienceOf(access, cluster)),
      caFilePath: file.tenant.certificateAuthorityFile ? '/etc/kubernetes/kentra/issuer-ca.pem' : undefined,
    });
    notes.push(...rendered.cannotExpress.map((item) => `not enforced with flags: ${item}`));
    return [
      {
        fileName: 'kube-apiserver-flags.txt',
        title: 'kube-apiserver flags (legacy OIDC)',
        content: rendered.flags,
      },
    ];
  },
  eks: async ({ access, cluster, notes }) => {
    const rendered = renderEksConfig(cluster.name, flagsInputFor(access.file, audienceOf(access, cluster)));
    notes.push(
      'aws eks associate-identity-provider-config --cli-input-json file://eks-identity-provider.json',
      'EKS needs an issuer reachable from the internet with a publicly trusted certificate (no private CA)',
      ...rendered.cannotExpress
        .filter((item) => !item.startsWith('reload'))
        .map((item) => `not enforced on EKS: ${item}`),
    );
    return [
      {
        fileName: 'eks-identity-provider.json',
        title: 'EKS identity provider config',
        content: rendered.config as unknown as Record<string, unknown>,
      },
    ];
  },
  aks: async ({ access, cluster, notes }) => {
    const { file } = access;
    const adminGroupIds = file.rules
      .filter((rule) => rule.roleRef.name === 'cluster-admin' && isObjectId(rule.group))
      .map((rule) => rule.group);
    const guide = renderAksGuide({ clusterName: cluster.name, tenantId: file.tenant.id, adminGroupIds });
    notes.push(
      `group subjects on AKS are bare object IDs (prefix "${aksGroupPrefix}"); kentra rbac apply writes them so`,
    );
    return [
      {
        fileName: 'aks.txt',
        title: 'AKS: managed Entra integration',
        content: [...guide.explanation, '', ...guide.commands],
      },
    ];
  },
};

export async function clusterConfig(
  access: LoadedAccessFile,
  options: { cluster?: string; format?: ConfigFormat },
  readText: ReadText,
): Promise<ClusterConfigResult> {
  const cluster = selectCluster(access.file, options.cluster);
  const format = options.format ?? defaultFormat(cluster);
  if (cluster.kind === 'aks' && format !== 'aks')
    throw new KentraError(
      'usage',
      `cluster "${cluster.name}" is an AKS cluster: AKS takes no OIDC issuer config`,
      {
        hint: 'Use --format aks (the default for kind: aks) to see what kentra does for AKS.',
      },
    );
  const notes: string[] = [];
  if (access.file.policy.allowedNetworks.length > 0)
    notes.push(
      'policy.allowedNetworks is enforced by `kentra webhook` only (the API server cannot check an address range); it checks the sign-in address (ipaddr), not where requests come from',
    );
  const artifacts = await renderers[format]({ access, cluster, notes, readText });
  return { cluster: cluster.name, format, artifacts, notes };
}

/**
 * The one audience of the legacy flags and EKS (their "client ID"): the cluster's own (#14.7), else
 * the app's client ID.
 */
function audienceOf(access: LoadedAccessFile, cluster: ClusterSpec): string {
  const audience = clusterAudience(access.file, cluster);
  if (audience) return audience;
  const index = access.file.clusters.indexOf(cluster);
  throw new KentraError(
    'access.invalid',
    cluster.environment === undefined
      ? `${access.path}: app.clientId is not set; the API server needs it as the token audience`
      : `${access.path}: clusters[${index}].audience is not set; cluster "${cluster.name}" accepts the tokens of environment "${cluster.environment}"'s app, which has none yet`,
    {
      hint:
        cluster.environment === undefined
          ? 'Run `kentra entra setup` (it writes the ID into the file) or set app.clientId yourself.'
          : "Run `kentra entra setup`: it makes the environment's app and writes its client ID into the cluster's audience.",
    },
  );
}

/** The AuthenticationConfiguration for the cluster's version, with the tenant's private CA inlined. */
async function authenticationConfigArtifact({
  access,
  cluster,
  notes,
  readText,
}: RenderInput): Promise<Artifact> {
  // Fails first when the cluster has no audience yet (an environment's app not made).
  audienceOf(access, cluster);
  const authenticator = authenticatorFromAccessFile(access.file, access.file.app.clientId ?? '', cluster);
  if (minorVersion(cluster) < 30)
    throw new KentraError(
      'usage',
      `Kubernetes ${cluster.kubernetesVersion} has no structured authentication (it needs 1.30 or later)`,
      { hint: 'Render the legacy flags instead: kentra cluster config --format flags' },
    );
  const apiVersion = authenticationConfigApiVersion(cluster.kubernetesVersion);
  if (!cluster.kubernetesVersion)
    notes.push('clusters[].kubernetesVersion not set: assuming 1.34 or later (apiserver.config.k8s.io/v1)');
  return {
    fileName: authConfigFile,
    title: `AuthenticationConfiguration (${apiVersion}): pass it to kube-apiserver as --authentication-config=FILE`,
    content: renderAuthenticationConfiguration(authenticator, {
      apiVersion,
      certificateAuthority: await tenantCertificateAuthority(access, readText),
    }) as unknown as Record<string, unknown>,
  };
}

async function tenantCertificateAuthority(
  access: LoadedAccessFile,
  readText: ReadText,
): Promise<string | undefined> {
  const caFile = access.file.tenant.certificateAuthorityFile;
  if (!caFile) return undefined;
  const caPath = access.resolvePath(caFile);
  try {
    return await readText(caPath);
  } catch (cause) {
    throw new KentraError('io.read', `cannot read tenant.certificateAuthorityFile ${caPath}`, { cause });
  }
}

/** An artifact as the file it names: YAML for .yaml, JSON for .json, lines for anything else. */
export function artifactText(artifact: Artifact): string {
  if (Array.isArray(artifact.content)) return `${artifact.content.join('\n')}\n`;
  if (artifact.fileName.endsWith('.json')) return `${JSON.stringify(artifact.content, null, 2)}\n`;
  return stringify(artifact.content, { lineWidth: 0 });
}

/** `--out-dir`: writes every artifact as its own file; returns the paths written. */
export async function writeArtifacts(
  result: ClusterConfigResult,
  dir: string,
  files: Pick<Files, 'writeText'>,
): Promise<string[]> {
  const written: string[] = [];
  for (const artifact of result.artifacts) {
    const path = join(dir, artifact.fileName);
    try {
      await files.writeText(path, artifactText(artifact));
    } catch (cause) {
      throw new KentraError('io.write', `cannot write ${path}`, {
        cause,
        hint: 'Check that the folder exists.',
      });
    }
    written.push(path);
  }
  return written;
}
