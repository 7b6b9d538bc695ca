/**
 * `kentra cluster config`: what to install on the API server side of one
 * cluster, in the form that cluster takes.
 */
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import type { Files } from '../adapters/files.js';
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

export async function clusterConfig(
  access: LoadedAccessFile,
  options: { cluster?: string; format?: ConfigFormat },
  readText: ReadText,
): Promise<ClusterConfigResult> {
  const { file } = access;
  const cluster = selectCluster(file, options.cluster);
  const format = options.format ?? defaultFormat(cluster);
  const notes: string[] = [];
  if (file.policy.allowedNetworks.length > 0)
    notes.push(
      'policy.allowedNetworks is enforced by `kentra webhook` only (the API server cannot check an address range); it checks the sign-in address (ipaddr), not where requests come from',
    );
  if (format === 'aks' || cluster.kind === 'aks') {
    if (format !== 'aks')
      throw new KentraError(
        'usage',
        `cluster "${cluster.name}" is an AKS cluster: AKS takes no OIDC issuer config`,
        {
          hint: 'Use --format aks (the default for kind: aks) to see what kentra does for AKS.',
        },
      );
    const adminGroupIds = file.rules
      .filter((rule) => rule.roleRef.name === 'cluster-admin' && isObjectId(rule.group))
      .map((rule) => rule.group);
    const guide = renderAksGuide({ clusterName: cluster.name, tenantId: file.tenant.id, adminGroupIds });
    notes.push(
      `group subjects on AKS are bare object IDs (prefix "${aksGroupPrefix}"); kentra rbac apply writes them so`,
    );
    return {
      cluster: cluster.name,
      format,
      artifacts: [
        {
          fileName: 'aks.txt',
          title: 'AKS: managed Entra integration',
          content: [...guide.explanation, '', ...guide.commands],
        },
      ],
      notes,
    };
  }
  const clientId = file.app.clientId;
  if (!clientId && !cluster.audience)
    throw new KentraError(
      'access.invalid',
      `${access.path}: app.clientId is not set; the API server needs it as the token audience`,
      {
        hint: 'Run `kentra entra setup` (it writes the ID into the file) or set app.clientId yourself.',
      },
    );
  const authenticator = authenticatorFromAccessFile(file, clientId ?? '', cluster);
  const caFile = file.tenant.certificateAuthorityFile;
  let certificateAuthority: string | undefined;
  if (caFile) {
    const caPath = access.resolvePath(caFile);
    try {
      certificateAuthority = await readText(caPath);
    } catch (cause) {
      throw new KentraError('io.read', `cannot read tenant.certificateAuthorityFile ${caPath}`, { cause });
    }
  }
  // Legacy flags and EKS have one client ID, which is the audience: the cluster's own when it has one.
  const flagsInput = flagsInputFor(file, cluster.audience ?? clientId ?? '');
  const authConfig = (): Artifact => {
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
        certificateAuthority,
      }) as unknown as Record<string, unknown>,
    };
  };
  switch (format) {
    case 'auth-config':
      notes.push(
        'the API server reloads this file when it changes; it cannot be combined with --oidc-* flags',
      );
      return { cluster: cluster.name, format, artifacts: [authConfig()], notes };
    case 'kubeadm':
      notes.push(
        `save the AuthenticationConfiguration as ${authenticationConfigPath} on every control-plane node`,
      );
      return {
        cluster: cluster.name,
        format,
        artifacts: [
          authConfig(),
          {
            fileName: 'kubeadm-config.yaml',
            title: 'kubeadm ClusterConfiguration (merge into yours)',
            content: renderKubeadmClusterConfiguration(cluster.kubernetesVersion),
          },
        ],
        notes,
      };
    case 'kind':
      notes.push(
        `save the AuthenticationConfiguration as ./${authConfigFile} next to kind-config.yaml, then: kind create cluster --config kind-config.yaml`,
      );
      return {
        cluster: cluster.name,
        format,
        artifacts: [
          authConfig(),
          {
            fileName: 'kind-config.yaml',
            title: 'kind cluster config',
            content: renderKindCluster(cluster.kubernetesVersion, `./${basename(authConfigFile)}`),
          },
        ],
        notes,
      };
    case 'flags': {
      const rendered = renderLegacyFlags({
        ...flagsInput,
        caFilePath: caFile ? '/etc/kubernetes/kentra/issuer-ca.pem' : undefined,
      });
      notes.push(...rendered.cannotExpress.map((item) => `not enforced with flags: ${item}`));
      return {
        cluster: cluster.name,
        format,
        artifacts: [
          {
            fileName: 'kube-apiserver-flags.txt',
            title: 'kube-apiserver flags (legacy OIDC)',
            content: rendered.flags,
          },
        ],
        notes,
      };
    }
    case 'eks': {
      const rendered = renderEksConfig(cluster.name, flagsInput);
      notes.push(
        'aws eks associate-identity-provider-config --cli-input-json file://eks-identity-provider.json',
        'EKS needs an issuer reachable from the internet with a publicly trusted certificate (no private CA)',
        ...rendered.cannotExpress
          .filter((item) => !item.startsWith('reload'))
          .map((item) => `not enforced on EKS: ${item}`),
      );
      return {
        cluster: cluster.name,
        format,
        artifacts: [
          {
            fileName: 'eks-identity-provider.json',
            title: 'EKS identity provider config',
            content: rendered.config as unknown as Record<string, unknown>,
          },
        ],
        notes,
      };
    }
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
