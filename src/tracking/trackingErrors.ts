import { CairnError } from '../core/errors.js';

/** The errors every backend raises alike for what is missing or deleted. */

export function runNotFound(runId: string): CairnError {
  return new CairnError('NOT_FOUND', `no run with id ${runId}`, { hint: 'list runs with `cairn runs list` (add --all to include deleted ones)', data: { run_id: runId } });
}

export function experimentNotFound(experimentId: string): CairnError {
  return new CairnError('NOT_FOUND', `no experiment with id "${experimentId}"`, { hint: 'experiment ids are numbers such as "0" (Default); look them up by name' });
}

export function runDeleted(runId: string): CairnError {
  return new CairnError('USAGE', `run ${runId} is deleted; it cannot be written to`, { hint: `restore it first: cairn runs restore ${runId}` });
}

export function experimentDeleted(experimentId: string): CairnError {
  return new CairnError('USAGE', `experiment ${experimentId} is deleted; runs cannot be created in it`, { hint: 'restore the experiment first' });
}

export function ingestOffsetMoved(source: string, stored: number, expected: number): CairnError {
  return new CairnError('CONFLICT', `${source} was ingested meanwhile up to byte ${stored}, not ${expected}`, {
    data: { reason: 'ingest-offset-moved', offset: stored },
  });
}

/** A second experiment with a used name (`existing`: the experiment that has it, when known). */
export function experimentNameTaken(name: string, existing?: { id: number | string; deleted: boolean }): CairnError {
  return new CairnError('CONFLICT', `an experiment named "${name}" already exists${existing?.deleted ? ' (deleted)' : ''}`, {
    hint: existing?.deleted ? 'restore it, or choose another name' : 'choose another name',
    ...(existing ? { data: { experiment_id: String(existing.id) } } : {}),
  });
}

export function defaultExperimentUndeletable(): CairnError {
  return new CairnError('USAGE', 'the default experiment "0" cannot be deleted');
}

/** Deleting a tag the run or experiment does not have (MLflow's rule: NOT_FOUND). */
export function tagNotFound(owner: 'run' | 'experiment', id: string, key: string): CairnError {
  return new CairnError('NOT_FOUND', `${owner} ${id} has no tag "${key}"`);
}

export function runIdTaken(runId: string | undefined): CairnError {
  return new CairnError('CONFLICT', `a run with id ${runId} already exists`);
}

export function unknownWrite(w: { op: string }): CairnError {
  return new CairnError('USAGE', `unknown tracking write "${w.op}"`);
}
