import { CairnError } from '../../core/errors.js';
import type { FilterSubject } from '../../tracking/filter/index.js';
import { evaluateGate, parseGate, type GateResult } from './evaluateGate.js';
import { requireModel, requireVersion } from './readRegistry.js';
import { checkSemVer } from './semver.js';
import { assignTagName, checkAliasName, checkModelName } from './tagNames.js';
import { GTO_MESSAGES } from './versionMessage.js';
import { writeCountedTag } from './writeCountedTag.js';

export interface PromoteOptions {
  cwd: string;
  name: string;
  version: string;
  alias: string;
  /** A gate over the version's metrics; the promotion is refused (GATE_FAILED) when it is false. */
  gate?: string;
  /** The metrics and params the gate sees (default: the version's metadata snapshot). */
  subject?: (metadata: { metrics?: Record<string, number>; params?: Record<string, string>; run_id?: string }) => Promise<FilterSubject>;
  push?: string;
}

export interface PromoteResult {
  name: string;
  version: string;
  alias: string;
  tag: string;
  commit: string;
  gate: (GateResult & { expr: string }) | null;
  pushed: string | null;
}

/** `cairn model promote`: points ALIAS at VERSION with a new `NAME#ALIAS#N` tag, after the gate (if any) passes. */
export async function promoteVersion(options: PromoteOptions): Promise<PromoteResult> {
  const { cwd, name, alias } = options;
  checkModelName(name);
  checkAliasName(alias);
  checkSemVer(options.version, 'VERSION');
  if (options.gate !== undefined) parseGate(options.gate);
  const model = await requireModel(cwd, name);
  const version = requireVersion(model, options.version);
  if (version.deprecated) {
    throw new CairnError('USAGE', `version ${version.version} of "${name}" is deprecated and cannot be promoted`, { hint: 'promote a version that is not deprecated (`cairn model show NAME`)', data: { model: name, version: version.version } });
  }
  if (model.aliases.some((a) => a.alias === alias && a.version === version.version)) {
    throw new CairnError('CONFLICT', `alias "${alias}" of "${name}" already points at ${version.version}`, { hint: 'nothing to do; `cairn model history NAME` shows when it was promoted', data: { model: name, alias } });
  }
  let gate: PromoteResult['gate'] = null;
  if (options.gate !== undefined) {
    const meta = version.metadata ?? {};
    const subject = options.subject ? await options.subject(meta) : { metrics: meta.metrics ?? {}, params: meta.params ?? {}, tags: {}, attributes: {} };
    gate = { expr: options.gate, ...evaluateGate(options.gate, subject) };
    if (!gate.passed) {
      throw new CairnError('GATE_FAILED', `${name} ${version.version} was not promoted to ${alias}: the gate failed on ${gate.failing.join('; ')}`, {
        hint: Object.keys(subject.metrics ?? {}).length ? 'promote a version whose metrics meet the gate, or change the gate' : 'the version has no metrics snapshot: register it with --run RUN_ID, or give --run to read the metrics of a run',
        data: { model: name, version: version.version, failing: gate.failing },
      });
    }
  }
  const tag = await writeCountedTag(cwd, {
    model: name,
    name: (n) => assignTagName(name, alias, n),
    commit: version.commit,
    message: GTO_MESSAGES.assign(name, alias, version.version),
    push: options.push,
  });
  return { name, version: version.version, alias, tag, commit: version.commit, gate, pushed: options.push ?? null };
}
