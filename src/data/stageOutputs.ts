import { CairnError } from '../core/errors.js';

/**
 * An output a pipeline stage declares (outs, metrics or plots), as the CLI reads it from the pipeline for the data
 * layer, which does not read pipeline files itself. `path` is repo-relative and `/`-separated.
 */
export interface StageOutput {
  path: string;
  stage: string;
  /** The pipeline file that declares the stage, repo-relative (`cairn.yaml`, `sub/cairn.yaml`). */
  file: string;
  /** false: `cache: false`, so the output lives in Git, not in the cache. */
  cache: boolean;
}

export type OutputRelation = 'is' | 'inside' | 'contains';

/** The first stage output that `rel` is, is inside, or contains, with how they relate; null for none. Pure. */
export function findOutputOverlap(rel: string, outputs: StageOutput[]): { output: StageOutput; relation: OutputRelation } | null {
  for (const output of outputs) {
    if (output.path === rel) return { output, relation: 'is' };
    if (rel.startsWith(`${output.path}/`)) return { output, relation: 'inside' };
    if (rel === '' || output.path.startsWith(`${rel}/`)) return { output, relation: 'contains' };
  }
  return null;
}

/** Whether a `.gitignore` entry for `rel` still hides a cached stage output (it is one, or is inside one). Pure. */
export function ignoredForOutput(rel: string, outputs: StageOutput[]): StageOutput | null {
  const hit = findOutputOverlap(rel, outputs.filter((o) => o.cache));
  return hit && hit.relation !== 'contains' ? hit.output : null;
}

/**
 * Refuses to track a path a stage produces: the pointer and cairn.lock would record the same bytes, and every
 * `cairn repro` would change them under the pointer (DVC refuses this too: "output is already specified in stage").
 */
export function checkNotStageOutput(rel: string, outputs: StageOutput[], command = 'add'): void {
  const hit = findOutputOverlap(rel, outputs);
  if (!hit) return;
  const { output, relation } = hit;
  const of = `an output of stage "${output.stage}" in ${output.file}`;
  const what = relation === 'is' ? `${rel} is ${of}` : relation === 'inside' ? `${rel} is inside ${output.path}, ${of}` : `${rel || 'the repository root'} contains ${output.path}, ${of}`;
  throw new CairnError('CONFLICT', `${what}, so cairn ${command} cannot track it too`, {
    hint: relation === 'contains'
      ? `add the other paths one by one, or make ${rel} the stage's output in ${output.file}`
      : `the output is tracked by the stage: run \`cairn repro ${output.stage}\` to produce and record it in cairn.lock (\`cairn push\` and \`cairn checkout\` handle it like an added path)`,
    data: { path: rel, output: output.path, stage: output.stage, file: output.file },
  });
}
