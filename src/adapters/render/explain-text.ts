/**
 * `kentra access explain` for people: the decision, who was asked about, and the grants or near misses.
 * Names come from manifests, the cluster and Entra: each is escaped on one line (`v`), and the whole
 * text once more (./terminal-text.ts).
 */

import type { EntraDirectory, IdentityMapping } from '../../domain/rbac/directory.js';
import { entraGroupIdOf } from '../../domain/rbac/directory.js';
import type { ExplainedRule, Explanation, NearMiss } from '../../domain/rbac/explain.js';
import type { ResolvedIdentity } from '../../domain/rbac/identity.js';
import { type AccessRequest, isResourceRequest, type PolicyRule } from '../../domain/rbac/model.js';
import { terminalText, displayValue as v } from './terminal-text.js';

function describeRequest(request: AccessRequest): string {
  if (!isResourceRequest(request)) return `${v(request.verb)} ${v(request.path)}`;
  const group = request.apiGroup === '' ? '' : `.${request.apiGroup}`;
  const sub = request.subresource === '' ? '' : `/${request.subresource}`;
  const name = request.name === '' ? '' : ` named "${request.name}"`;
  const where = request.namespace === '' ? ' cluster-wide' : ` in namespace ${request.namespace}`;
  return v(`${request.verb} ${request.resource}${group}${sub}${name}${where}`);
}

function ruleText(rule: PolicyRule): string {
  const parts: string[] = [];
  const list = (values: readonly string[]) =>
    `[${values.map((value) => (value === '' ? '""' : v(value))).join(' ')}]`;
  if (rule.apiGroups.length > 0) parts.push(`apiGroups ${list(rule.apiGroups)}`);
  if (rule.resources.length > 0) parts.push(`resources ${list(rule.resources)}`);
  if (rule.resourceNames.length > 0) parts.push(`resourceNames ${list(rule.resourceNames)}`);
  if (rule.nonResourceURLs.length > 0) parts.push(`nonResourceURLs ${list(rule.nonResourceURLs)}`);
  parts.push(`verbs ${list(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

function grantLine(grant: ExplainedRule): string {
  const binding = grant.binding.namespace
    ? `${grant.binding.namespace}/${grant.binding.name}`
    : grant.binding.name;
  let line = `  ${grant.binding.kind} ${v(binding)} -> ${grant.role.kind} ${v(grant.role.name)}, rule ${grant.ruleIndex + 1} ${ruleText(grant.rule)}\n    to ${v(grant.subject)}`;
  if (grant.entra)
    line += ` = Entra ${grant.entra.kind} ${grant.entra.displayName ? `"${v(grant.entra.displayName)}"` : `${v(grant.entra.id)} (not in the names file)`}`;
  return `${line}\n`;
}

const mismatchText: Record<NearMiss['mismatch'], string> = {
  verb: 'another verb',
  apiGroup: 'another API group',
  resource: 'another resource',
  resourceName: 'other object names only',
  nonResourceURL: 'other URLs',
};

export function renderExplanation(
  identity: ResolvedIdentity,
  explanation: Explanation,
  directory: EntraDirectory,
  mapping: IdentityMapping,
): string {
  let text = `${explanation.allowed ? 'ALLOWED' : 'DENIED'}  ${describeRequest(explanation.request)}\n`;
  text += `  as      ${v(identity.description)}\n`;
  const groups = explanation.user.groups.map((group) => {
    const id = entraGroupIdOf(group, mapping);
    const name = id === undefined ? undefined : directory.displayName(id);
    return v(name ? `${group} (${name})` : group);
  });
  text += `  groups  ${groups.length > 0 ? groups.join(', ') : '(none)'}\n`;
  if (explanation.via === 'privileged-group')
    return terminalText(
      `${text}\nmember of system:masters: the API server allows everything before RBAC is asked.\n`,
    );
  if (explanation.grants.length > 0) {
    text += `\ngranted by:\n${explanation.grants.map(grantLine).join('')}`;
  } else {
    text += '\nno RBAC rule allows it.\n';
    if (explanation.nearMisses.length > 0)
      text += `\nclosest rules (one field off):\n${explanation.nearMisses
        .map((miss) =>
          grantLine(miss).replace(/\n$/, `\n    differs: allows ${mismatchText[miss.mismatch]}\n`),
        )
        .join('')}`;
    if (explanation.allowedIn.length > 0)
      text += `\nallowed in other namespaces: ${v(explanation.allowedIn.join(', '))}\n`;
  }
  if (explanation.errors.length > 0)
    text += `\nbindings that refer to missing roles: ${v(explanation.errors.join('; '))}\n`;
  for (const note of explanation.notes) text += `\nnote: ${v(note)}\n`;
  return terminalText(text);
}
