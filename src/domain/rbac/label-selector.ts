/**
 * metav1.LabelSelector matching, as LabelSelectorAsSelector in
 * k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go: matchLabels and every
 * matchExpression must hold; an empty selector selects everything.
 * (NotIn and DoesNotExist hold for objects without the label.)
 */
import type { LabelSelector } from './model.js';

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const requirement of selector.matchExpressions) {
    const has = Object.hasOwn(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (!has || !requirement.values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && requirement.values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The reason the API server would refuse this selector, or undefined when it is valid. */
export function selectorProblem(selector: LabelSelector): string | undefined {
  for (const [index, requirement] of selector.matchExpressions.entries()) {
    const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    if (needsValues && requirement.values.length === 0)
      return `matchExpressions[${index}]: operator ${requirement.operator} needs at least one value`;
    if (!needsValues && requirement.values.length > 0)
      return `matchExpressions[${index}]: operator ${requirement.operator} takes no values`;
  }
  return undefined;
}
