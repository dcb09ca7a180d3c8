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
