/**
 * /policies/roleManagementPolicyAssignments and /policies/roleManagementPolicies
 * for groups onboarded to PIM: the filter on scopeId and scopeType is required
 * (v1.0 api/policyroot-list-rolemanagementpolicyassignments.md), and
 * `$expand=policy($expand=rules)` / `$expand=rules` embed the policy and its
 * rules. Groups not onboarded have no policy (Entra creates one on first
 * onboarding).
 */
import { GraphFailure } from '../errors.js';
import type { PimGroupPolicy } from '../pim-model.js';
import { collection } from './odata.js';
import { readRoleManagementPolicies } from './permissions.js';
import { policyAssignmentJson, policyJson, policyRulesJson } from './privileged-access-json.js';
import { badRequest, entity, type GraphRequest, type GraphRoute, param, respond } from './request.js';
import type { Json } from './serialize.js';

/** The group a filter scopes to: `scopeId eq '…' and scopeType eq 'Group'` are both required. */
function scopedPolicies(req: GraphRequest, what: string): PimGroupPolicy[] {
  const filter = req.query.get('$filter') ?? '';
  const scopeId = /\bscopeId\s+eq\s+'([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
  const scopeType = /\bscopeType\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
  if (!scopeId || !scopeType)
    throw badRequest(`The filter on scopeId and scopeType is required to list ${what}.`);
  if (scopeType.toLowerCase() !== 'group') return [];
  const roleDefinitionId = /\broleDefinitionId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
  if (roleDefinitionId && roleDefinitionId.toLowerCase() !== 'member') return [];
  const policy = req.tenant.privilegedAccess.policies.get(scopeId);
  return policy ? [policy] : [];
}

function withRules(req: GraphRequest, policy: PimGroupPolicy): Json {
  const json = policyJson(policy);
  return /\brules\b/.test(req.query.get('$expand') ?? '')
    ? { ...json, rules: policyRulesJson(policy) }
    : json;
}

function policyById(req: GraphRequest, id: string): PimGroupPolicy {
  for (const policy of req.tenant.privilegedAccess.policies.values())
    if (policy.policyId === id) return policy;
  throw new GraphFailure(404, 'ResourceNotFound', `The policy '${id}' was not found.`);
}

const listOptions = { filter: false } as const;

export const roleManagementPolicyRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/policies\/roleManagementPolicyAssignments$/,
    permissions: readRoleManagementPolicies,
    handle: (req) => {
      const expandPolicy = /^\s*policy\b/.test(req.query.get('$expand') ?? '');
      const items = scopedPolicies(req, 'role management policy assignments').map((policy) => ({
        ...policyAssignmentJson(policy),
        ...(expandPolicy ? { policy: withRules(req, policy) } : {}),
      }));
      respond(req, 200, collection(req, 'policies/roleManagementPolicyAssignments', items, listOptions));
    },
  },
  {
    method: 'GET',
    pattern: /^\/policies\/roleManagementPolicies$/,
    permissions: readRoleManagementPolicies,
    handle: (req) => {
      const items = scopedPolicies(req, 'role management policies').map((policy) => withRules(req, policy));
      respond(req, 200, collection(req, 'policies/roleManagementPolicies', items, listOptions));
    },
  },
  {
    method: 'GET',
    pattern: /^\/policies\/roleManagementPolicies\/([^/]+)$/,
    permissions: readRoleManagementPolicies,
    handle: (req, m) =>
      respond(
        req,
        200,
        entity(req, 'policies/roleManagementPolicies', withRules(req, policyById(req, param(m, 1)))),
      ),
  },
  {
    method: 'GET',
    pattern: /^\/policies\/roleManagementPolicies\/([^/]+)\/rules$/,
    permissions: readRoleManagementPolicies,
    handle: (req, m) =>
      respond(
        req,
        200,
        collection(
          req,
          'policies/roleManagementPolicies/rules',
          policyRulesJson(policyById(req, param(m, 1))),
          listOptions,
        ),
      ),
  },
];
