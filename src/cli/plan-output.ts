/** How `kentra rbac` shows a plan: a table for people, structured data for `-o json|yaml`. */

import { displayValue as v } from '../adapters/render/terminal-text.js';
import { groupNameAnnotation } from '../domain/bindings/binding.js';
import type { Plan } from '../domain/bindings/plan.js';

const symbols = { create: '+', update: '~', replace: '±', delete: '-', orphan: '!', unchanged: '=' } as const;

export function describeSummary(plan: Plan): string {
  const { create, update, replace, delete: remove, orphan, unchanged } = plan.summary;
  if (plan.empty)
    return `No changes: cluster "${plan.cluster}" matches the access file (${unchanged} bindings up to date${orphan ? `, ${orphan} no longer declared` : ''}).`;
  return `Plan: ${create} to create, ${update} to update, ${replace} to replace, ${remove} to delete, ${unchanged} unchanged.`;
}

export function planTable(plan: Plan, mode: string, applied: boolean): string {
  // Group names come from Entra and the cluster: escaped (terminal-text.ts).
  const lines = [`Cluster "${v(plan.cluster)}":`];
  for (const change of plan.changes) {
    const object = 'desired' in change ? change.desired : change.current;
    const where = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    const what = `${object.kind} ${where}${object.metadata.name}`;
    const subject = object.subjects?.[0]?.name ?? '';
    const group = object.metadata.annotations?.[groupNameAnnotation] ?? '';
    let note = `${group} (${subject}) -> ${object.roleRef.kind} ${object.roleRef.name}`;
    if (change.action === 'update') note += `  [${change.fields.join(', ')}]`;
    if (change.action === 'delete') note += `  [${change.reason}]`;
    if (change.action === 'orphan') note += '  [not declared any more; --prune removes it]';
    lines.push(`  ${symbols[change.action]} ${change.action.padEnd(9)} ${v(what)}  ${v(note)}`);
  }
  if (plan.changes.length === 0) lines.push('  (no bindings)');
  lines.push(describeSummary(plan));
  if (applied) lines.push('Applied.');
  else if (mode === 'plan' && !plan.empty) lines.push('Run `kentra rbac apply` to make these changes.');
  return `${lines.join('\n')}\n`;
}

export function planData(plan: Plan, applied: boolean): unknown {
  return {
    cluster: plan.cluster,
    empty: plan.empty,
    applied,
    summary: plan.summary,
    changes: plan.changes.map((change) => {
      const object = 'desired' in change ? change.desired : change.current;
      return {
        action: change.action,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        group: object.metadata.annotations?.[groupNameAnnotation],
        subject: object.subjects?.[0]?.name,
        roleRef: { kind: object.roleRef.kind, name: object.roleRef.name },
        ...(change.action === 'update' ? { fields: change.fields } : {}),
        ...(change.action === 'delete' ? { reason: change.reason } : {}),
      };
    }),
  };
}
