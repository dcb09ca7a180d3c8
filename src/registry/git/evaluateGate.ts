import { CairnError } from '../../core/errors.js';
import { evaluateFilter, parseFilter, type Comparison, type FilterNode, type FilterSubject } from '../../tracking/filter/index.js';

/**
 * A promotion gate (`--if "metrics.acc >= 0.9 and metrics.latency_ms < 20"`): the shared filter grammar evaluated
 * against a version's metrics and params. Pure.
 */

export interface GateResult {
  passed: boolean;
  /** Each failing comparison with the value it saw, e.g. `metrics.acc >= 0.9 (metrics.acc is 0.85)`. */
  failing: string[];
}

const PREFIX: Record<string, string> = { metric: 'metrics', param: 'params', tag: 'tags', attribute: 'attributes', dataset: 'datasets' };

function termText(node: Comparison): string {
  const value = node.value === null ? '' : ` ${Array.isArray(node.value) ? `(${node.value.map((v) => JSON.stringify(v)).join(', ')})` : typeof node.value === 'string' ? `'${node.value}'` : node.value}`;
  return `${PREFIX[node.entity]}.${node.key} ${node.op}${value}`;
}

function actualText(node: Comparison, subject: FilterSubject): string {
  const table = node.entity === 'metric' ? subject.metrics : node.entity === 'param' ? subject.params : node.entity === 'tag' ? subject.tags : subject.attributes;
  const v = table?.[node.key];
  return v === undefined ? `the version has no ${PREFIX[node.entity]}.${node.key}` : `${PREFIX[node.entity]}.${node.key} is ${typeof v === 'string' ? `'${v}'` : v}`;
}

/** The terms that make `node` false: every false term of an AND's failing items, every item of a failing OR. */
function failingTerms(node: FilterNode, subject: FilterSubject): string[] {
  if (node.type === 'compare') return evaluateFilter(node, subject) ? [] : [`${termText(node)} (${actualText(node, subject)})`];
  if (evaluateFilter(node, subject)) return [];
  if (node.type === 'and') return node.items.flatMap((n) => failingTerms(n, subject));
  const parts = node.items.map((n) => failingTerms(n, subject).join(' and '));
  return [`none of: ${parts.join('; ')}`];
}

/** Parses a gate; a gate that does not parse is a USAGE error that shows where. */
export function parseGate(expr: string): FilterNode {
  let node: FilterNode | null;
  try {
    node = parseFilter(expr, 'runs');
  } catch (err) {
    if (err instanceof CairnError) throw new CairnError(err.code, `--if: ${err.message}`, { hint: err.hint, data: err.data });
    throw err;
  }
  if (!node) throw new CairnError('USAGE', '--if is empty', { hint: 'give a condition, e.g. --if "metrics.accuracy >= 0.9"' });
  return node;
}

export function evaluateGate(expr: string, subject: FilterSubject): GateResult {
  const node = parseGate(expr);
  const failing = failingTerms(node, subject);
  return { passed: failing.length === 0, failing };
}
