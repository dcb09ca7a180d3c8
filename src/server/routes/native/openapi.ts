/**
 * The OpenAPI 3.1 description of cairn's native API, served at /api/cairn/v1/openapi.json. Written by hand, next to
 * the routes; a test checks that every native route is described here and that nothing here is not a route.
 */

import { TRACKING_PATHS, TRACKING_SCHEMAS } from './trackingOpenApi.js';

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  '400': json(ref('Error'), 'Bad input (USAGE): an invalid parameter'),
  '401': json(ref('Error'), 'No valid token (when the server requires authentication)'),
  '403': json(ref('Error'), "The token's scope is too low"),
};
const repoErrors = { ...errors, '404': json(ref('Error'), 'Not found; also when the server was not started in a cairn repository') };
const revParameter = (description: string) => ({ name: 'rev', in: 'query', required: false, description, schema: { type: 'string', examples: ['main', 'HEAD~1', 'v1.2.0'] } });
const nullable = (type: string) => ({ type: [type, 'null'] });
const lockDep = {
  type: 'object',
  required: ['path', 'oid', 'size'],
  properties: { path: { type: 'string' }, oid: ref('Oid'), size: { type: 'integer' }, files: { type: 'integer' } },
};
const lockOut = {
  ...lockDep,
  properties: {
    ...lockDep.properties,
    cache: { const: false, description: 'Hashed but not stored in the cache' },
    exec: { const: true, description: 'An executable file' },
    push: { const: false, description: 'Kept off remotes' },
  },
};
const dataset = {
  type: 'object',
  required: ['name', 'digest', 'source', 'source_type'],
  properties: { name: { type: 'string' }, digest: { type: 'string' }, source: { type: 'string' }, source_type: { type: 'string' } },
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: "cairn's native API",
    version: '1',
    description:
      "What cairn's CLI and web UI need beyond MLflow's REST API (which the same server serves under /api/2.0/mlflow/): " +
      'the pipelines, tracked data, run lineage and Git experiments of the repository the server was started in, and ' +
      "the tracking calls cairn's own clients make (atomic writes with ingestion checkpoints, events batches, artifact objects by oid). " +
      "Errors are {error_code, message, cairn: {code, hint, data}} with cairn's own HTTP statuses.",
  },
  servers: [{ url: '/api/cairn/v1' }],
  security: [{ bearer: [] }, { basic: [] }],
  paths: {
    '/info': {
      get: {
        operationId: 'getInfo',
        summary: 'The server: its version, where it keeps runs, whether it requires tokens, and its repository',
        responses: { '200': json(ref('Info'), 'The server'), ...errors },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        security: [],
        responses: { '200': json({ type: 'object' }, 'The OpenAPI 3.1 document of the native API') },
      },
    },
    '/pipeline/dag': {
      get: {
        operationId: 'getPipelineDag',
        summary: "The stages of the repository's pipelines and the edges between them (as `cairn dag --json`)",
        parameters: [revParameter('A Git revision to read the pipeline files at; default: the workspace')],
        responses: { '200': json(ref('Dag'), 'The stage graph'), ...repoErrors },
      },
    },
    '/data': {
      get: {
        operationId: 'listTrackedData',
        summary: 'The tracked data at a revision: pointer files and the pipeline outputs recorded in lock files',
        parameters: [revParameter('A Git revision; default HEAD')],
        responses: { '200': json(ref('TrackedData'), 'Every tracked path with its oid and size'), ...repoErrors },
      },
    },
    '/runs/{run_id}/lineage': {
      get: {
        operationId: 'getRunLineage',
        summary: "Where a run came from and what it made: its commit, its input and output data (with digests), and the lock entries at that commit",
        parameters: [{ name: 'run_id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': json(ref('Lineage'), "The run's lineage"), ...repoErrors },
      },
    },
    '/experiments/summary': {
      get: {
        operationId: 'summarizeExperiments',
        summary: "Every experiment's run counts (active, running, deleted) and last activity, for the UI's experiments list",
        responses: { '200': json(ref('ExperimentSummaries'), 'One entry per experiment that has runs'), ...errors },
      },
    },
    '/experiments/keys': {
      get: {
        operationId: 'listRunKeys',
        summary: 'The distinct param, metric and tag keys of the runs of some experiments (column pickers, filter autocompletion)',
        parameters: [{ name: 'experiment_ids', in: 'query', required: true, description: 'Comma-separated experiment ids', schema: { type: 'string', examples: ['0,3'] } }],
        responses: { '200': json(ref('RunKeys'), 'The keys, sorted'), ...errors },
      },
    },
    '/runs/{run_id}/metrics/downsampled': {
      get: {
        operationId: 'getDownsampledMetric',
        summary:
          "One metric of a run for a chart: the x axis (step or time) cut into at most `points` equal buckets, each keeping its lowest and highest point (and its first NaN), plus the first and last points, so every spike survives; the series streams through in pages",
        parameters: [
          { name: 'run_id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'key', in: 'query', required: true, description: 'The metric key', schema: { type: 'string' } },
          { name: 'points', in: 'query', required: false, description: 'How many buckets at most (about one per pixel column); default 1000', schema: { type: 'integer', minimum: 1, maximum: 20000 } },
          { name: 'x', in: 'query', required: false, description: 'What the buckets cut; default step', schema: { enum: ['step', 'time'] } },
          { name: 'from', in: 'query', required: false, description: 'Only points with x >= from (a zoomed chart)', schema: { type: 'number' } },
          { name: 'to', in: 'query', required: false, description: 'Only points with x <= to', schema: { type: 'number' } },
        ],
        responses: { '200': json(ref('DownsampledMetric'), 'At most 2 × points + 2 points (one more per bucket holding a NaN), by x'), ...errors, '404': json(ref('Error'), 'No such run') },
      },
    },
    '/experiments/git': {
      get: {
        operationId: 'listGitExperiments',
        summary: 'The experiments kept as Git refs (refs/cairn/exps/*), newest first, with their params, metrics and data versions',
        responses: { '200': json(ref('GitExperiments'), 'The experiments'), ...repoErrors },
      },
    },
    ...TRACKING_PATHS,
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'A token from `cairn server token create` (MLFLOW_TRACKING_TOKEN)' },
      basic: { type: 'http', scheme: 'basic', description: 'Any user name, the token as the password (MLFLOW_TRACKING_USERNAME / PASSWORD)' },
    },
    schemas: {
      ...TRACKING_SCHEMAS,
      Oid: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the content, lowercase hex' },
      Error: {
        type: 'object',
        required: ['error_code', 'message', 'cairn'],
        properties: {
          error_code: { type: 'string', description: "MLflow's error code, e.g. RESOURCE_DOES_NOT_EXIST" },
          message: { type: 'string' },
          cairn: { type: 'object', required: ['code'], properties: { code: { type: 'string', examples: ['NOT_FOUND', 'USAGE', 'AUTH'] }, hint: { type: 'string' }, data: { type: 'object' } } },
        },
      },
      ExperimentSummaries: {
        type: 'object',
        required: ['experiments'],
        properties: {
          experiments: {
            type: 'array',
            items: {
              type: 'object',
              required: ['experiment_id', 'runs', 'running', 'deleted_runs', 'last_activity'],
              properties: {
                experiment_id: { type: 'string' },
                runs: { type: 'integer', description: 'Active runs' },
                running: { type: 'integer', description: 'Active runs with status RUNNING' },
                deleted_runs: { type: 'integer' },
                last_activity: { ...nullable('integer'), description: 'Latest start or end time of its active runs, ms since the epoch' },
              },
            },
          },
        },
      },
      RunKeys: {
        type: 'object',
        required: ['params', 'metrics', 'tags'],
        properties: { params: { type: 'array', items: { type: 'string' } }, metrics: { type: 'array', items: { type: 'string' } }, tags: { type: 'array', items: { type: 'string' } } },
      },
      Info: {
        type: 'object',
        required: ['version', 'backend', 'auth', 'repo'],
        properties: {
          version: { type: 'string' },
          backend: { type: 'string', description: 'Where runs are kept, secrets redacted' },
          auth: { type: 'boolean', description: 'Whether requests need a token' },
          repo: { ...nullable('string'), description: "The repository's root folder; null outside a repository" },
        },
      },
      Dag: {
        type: 'object',
        required: ['rev', 'files', 'nodes', 'edges'],
        properties: {
          rev: { ...nullable('string'), description: 'The commit read; null for the workspace' },
          files: { type: 'array', items: { type: 'string' }, description: 'The pipeline files read, root first' },
          nodes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'cmd', 'deps', 'outs', 'frozen'],
              properties: {
                name: { type: 'string' },
                cmd: { type: 'array', items: { type: 'string' } },
                deps: { type: 'array', items: { type: 'string' } },
                outs: { type: 'array', items: { type: 'string' } },
                frozen: { type: 'boolean' },
                desc: { type: 'string' },
                status: {
                  type: 'string',
                  enum: ['up-to-date', 'changed', 'frozen', 'unknown'],
                  description: "Only for the workspace: whether `cairn repro` would run the stage (frozen: changed, but it will not); unknown when the pipeline's inputs cannot be checked",
                },
                reasons: { type: 'array', items: { type: 'string' }, description: 'Why a changed stage would run (as `cairn status` says it)' },
              },
            },
          },
          edges: {
            type: 'array',
            items: { type: 'object', required: ['from', 'to', 'paths'], properties: { from: { type: 'string' }, to: { type: 'string' }, paths: { type: 'array', items: { type: 'string' } } } },
          },
        },
      },
      TrackedData: {
        type: 'object',
        required: ['commit', 'data'],
        properties: {
          commit: { type: 'string' },
          data: {
            type: 'array',
            items: {
              type: 'object',
              required: ['path', 'kind', 'oid', 'size'],
              properties: {
                path: { type: 'string' },
                kind: { enum: ['file', 'dir'] },
                oid: ref('Oid'),
                size: { type: 'integer' },
                files: { type: 'integer', description: 'For a directory: how many files' },
                pointer_file: { type: 'string', description: 'The pointer file that tracks it' },
                stage: { type: 'string', description: 'For a pipeline output: the stage that produced it' },
                lock_file: { type: 'string', description: 'For a pipeline output: the lock file that records it' },
              },
            },
          },
        },
      },
      Lineage: {
        type: 'object',
        required: ['run_id', 'run_name', 'git_commit', 'experiment', 'stage', 'inputs', 'outputs', 'lock', 'notes'],
        properties: {
          run_id: { type: 'string' },
          run_name: { type: 'string' },
          git_commit: { ...nullable('string'), description: 'mlflow.source.git.commit' },
          experiment: { type: ['object', 'null'], properties: { name: { type: 'string' }, commit: nullable('string') } },
          stage: { ...nullable('string'), description: 'The pipeline stage the run was' },
          inputs: { type: 'array', items: dataset },
          outputs: { type: 'array', items: dataset },
          lock: {
            type: ['object', 'null'],
            required: ['commit', 'stages', 'matches_run'],
            properties: {
              commit: { type: 'string' },
              matches_run: { type: 'boolean', description: "Whether the lock's outputs are the run's outputs" },
              stages: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['stage', 'lock_file', 'cmd', 'deps', 'outs'],
                  properties: { stage: { type: 'string' }, lock_file: { type: 'string' }, cmd: { type: 'array', items: { type: 'string' } }, deps: { type: 'array', items: lockDep }, outs: { type: 'array', items: lockOut } },
                },
              },
            },
          },
          notes: { type: 'array', items: { type: 'string' }, description: 'Why lock is null, or what does not line up' },
        },
      },
      DownsampledMetric: {
        type: 'object',
        required: ['run_id', 'key', 'x', 'method', 'total', 'buckets', 'bucket_width', 'steps', 'timestamps', 'values'],
        properties: {
          run_id: { type: 'string' },
          key: { type: 'string' },
          x: { enum: ['step', 'time'] },
          method: { const: 'min-max', description: 'Min/max per bucket' },
          total: { type: 'integer', description: 'How many points of the series are in range' },
          buckets: { type: 'integer' },
          bucket_width: { type: 'number', description: 'In steps or ms' },
          steps: { type: 'array', items: { type: 'integer' } },
          timestamps: { type: 'array', items: { type: 'integer' }, description: 'ms since the epoch' },
          values: { type: 'array', items: { type: ['number', 'string'] }, description: 'Numbers, or "NaN", "Infinity", "-Infinity" as MLflow sends them' },
        },
      },
      GitExperiments: {
        type: 'object',
        required: ['experiments'],
        properties: {
          experiments: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'ref', 'commit', 'baseline', 'created'],
              properties: {
                name: { type: 'string' },
                ref: { type: 'string', examples: ['refs/cairn/exps/brisk-lark'] },
                commit: { type: 'string' },
                baseline: { type: 'string', description: 'The commit it started from' },
                created: { type: 'integer', description: 'ms since the epoch' },
                run_id: nullable('string'),
                changes: { type: 'array', items: { type: 'object' } },
                params: { type: 'object' },
                metrics: { type: 'object' },
                deps: { type: 'object', additionalProperties: ref('Oid') },
                duration_ms: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
} as const;
