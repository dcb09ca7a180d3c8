/**
 * The OpenAPI 3.1 description of the native tracking routes (tracking.ts), as a fragment for the native API's
 * document (openapi.ts): its `paths` take TRACKING_PATHS and its `components.schemas` TRACKING_SCHEMAS (which refer
 * to the document's shared `Error` and `Oid` schemas).
 */

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const errors = {
  '400': json(ref('Error'), 'Bad input (USAGE): a malformed body or parameter'),
  '401': json(ref('Error'), 'No valid token (when the server requires authentication)'),
  '403': json(ref('Error'), "The token's scope is too low"),
};
const notFound = { '404': json(ref('Error'), 'No such run or object') };
const conflict = (what: string) => ({ '409': json(ref('Error'), what) });
const runIdParameter = { name: 'run_id', in: 'path', required: true, schema: ref('RunId') };
const oidParameter = { name: 'oid', in: 'path', required: true, schema: ref('Oid') };
const keyValues = { type: 'array', items: ref('KeyValue') };

export const TRACKING_PATHS = {
  '/tracking/write': {
    post: {
      operationId: 'writeTracking',
      summary: 'Applies writes atomically, with an ingestion checkpoint (the data and how far a stream was read, together)',
      requestBody: jsonBody({
        type: 'object',
        required: ['writes'],
        properties: { writes: { type: 'array', items: ref('TrackingWrite') }, checkpoint: ref('IngestCheckpoint') },
      }),
      responses: {
        '200': json({ type: 'object' }, 'Everything was stored'),
        ...errors,
        ...notFound,
        ...conflict('A param logged with another value, or `data.reason: "ingest-offset-moved"`: the checkpoint\'s expected_offset is not the stored one; nothing was stored'),
      },
    },
  },
  '/tracking/ingest-offset': {
    get: {
      operationId: 'getIngestOffset',
      summary: 'How far an events stream has been ingested',
      parameters: [{ name: 'source', in: 'query', required: true, schema: { type: 'string' } }],
      responses: {
        '200': json({ type: 'object', required: ['source', 'offset'], properties: { source: { type: 'string' }, offset: { type: 'integer' } } }, 'The byte offset (0 when never ingested)'),
        ...errors,
      },
    },
  },
  '/runs/create': {
    post: {
      operationId: 'createRunWithId',
      summary: "MLflow's runs/create, plus the run's id and status (events files name their run)",
      requestBody: jsonBody(ref('CreateRun')),
      responses: {
        '200': json({ type: 'object', required: ['run'], properties: { run: { type: 'object', properties: { info: ref('RunInfo') } } } }, 'The new run'),
        ...errors,
        ...conflict('A run with that id exists'),
      },
    },
  },
  '/runs/{run_id}/artifacts': {
    get: {
      operationId: 'listRunArtifacts',
      summary: "A run's artifacts with the oids of their bytes, sorted by path",
      parameters: [runIdParameter, { name: 'prefix', in: 'query', required: false, schema: { type: 'string' }, description: 'Only this path and what is below it' }],
      responses: { '200': json({ type: 'object', properties: { artifacts: { type: 'array', items: ref('Artifact') } } }, 'The artifacts'), ...errors, ...notFound },
    },
  },
  '/objects/{oid}': {
    get: {
      operationId: 'getObject',
      summary: "The bytes of an artifact object (HEAD: whether the server has it)",
      parameters: [oidParameter],
      responses: { '200': { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } }, ...errors, ...notFound },
    },
    put: {
      operationId: 'putObject',
      summary: "Stores an artifact object in the server's artifact destination, verified against its sha256 oid",
      parameters: [oidParameter],
      requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
      responses: {
        '200': json({ type: 'object', required: ['oid', 'stored'], properties: { oid: ref('Oid'), size: { type: 'integer' }, stored: { type: 'boolean', description: 'false: the server had it already' } } }, 'Stored'),
        ...errors,
        '500': json(ref('Error'), 'INTEGRITY: the bytes do not hash to the oid (nothing is kept)'),
      },
    },
  },
  '/events': {
    post: {
      operationId: 'ingestEvents',
      summary: "Ingests a batch of complete lines of a client's events file, exactly once (cairn's events file format)",
      parameters: [{ name: 'run_id', in: 'query', required: false, schema: ref('RunId'), description: 'The run of lines that name none, when the file has no run line' }],
      requestBody: jsonBody({
        type: 'object',
        required: ['path', 'head', 'offset', 'text'],
        properties: {
          path: { type: 'string', description: "The events file on the client (names the stream, with its first line's hash)" },
          head: { type: 'string', description: 'The first line of the file, without its newline' },
          offset: { type: 'integer', description: 'The byte of the file at which `text` starts' },
          text: { type: 'string', description: 'Complete lines, each ending with a newline' },
          first_line: { type: 'integer', description: 'The number of the first line of `text`, for error messages' },
        },
      }),
      responses: {
        '200': json({ type: 'object', properties: { offset: { type: 'integer' }, run_id: { type: ['string', 'null'] }, lines: { type: 'integer' }, points: { type: 'integer' } } }, 'What was ingested (nothing when the batch was already)'),
        ...errors,
        ...conflict('`data.reason: "events-offset-behind"`: an earlier batch is missing; send again from `data.offset`'),
      },
    },
  },
} as const;

export const TRACKING_SCHEMAS = {
  RunId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
  KeyValue: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'string' } } },
  MetricValue: { oneOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity'] }] },
  Metric: {
    type: 'object',
    required: ['key', 'value', 'timestamp', 'step'],
    properties: { key: { type: 'string' }, value: ref('MetricValue'), timestamp: { type: 'integer' }, step: { type: 'integer' } },
  },
  Artifact: { type: 'object', required: ['path', 'oid', 'size'], properties: { path: { type: 'string' }, oid: ref('Oid'), size: { type: 'integer' } } },
  CreateRun: {
    type: 'object',
    required: ['experiment_id'],
    properties: {
      experiment_id: { type: 'string' },
      run_id: ref('RunId'),
      run_name: { type: 'string' },
      user_id: { type: 'string' },
      start_time: { type: 'integer' },
      status: { enum: ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] },
      tags: keyValues,
    },
  },
  RunInfo: {
    type: 'object',
    properties: {
      run_id: ref('RunId'),
      run_name: { type: 'string' },
      experiment_id: { type: 'string' },
      user_id: { type: 'string' },
      status: { type: 'string' },
      start_time: { type: 'integer' },
      end_time: { type: ['integer', 'null'] },
      artifact_uri: { type: 'string' },
      lifecycle_stage: { enum: ['active', 'deleted'] },
    },
  },
  IngestCheckpoint: {
    type: 'object',
    required: ['source', 'offset'],
    properties: { source: { type: 'string' }, run_id: { type: 'string' }, offset: { type: 'integer' }, expected_offset: { type: 'integer' } },
  },
  TrackingWrite: {
    oneOf: [
      { type: 'object', required: ['op', 'run'], properties: { op: { const: 'ensureRun' }, run: ref('CreateRun') }, description: 'Creates the run, or sets its name and adds its tags' },
      {
        type: 'object',
        required: ['op', 'run_id'],
        properties: { op: { const: 'logBatch' }, run_id: ref('RunId'), metrics: { type: 'array', items: ref('Metric') }, params: keyValues, tags: keyValues },
      },
      {
        type: 'object',
        required: ['op', 'run_id', 'datasets'],
        properties: {
          op: { const: 'logInputs' },
          run_id: ref('RunId'),
          datasets: {
            type: 'array',
            items: {
              type: 'object',
              required: ['dataset'],
              properties: {
                dataset: {
                  type: 'object',
                  required: ['name', 'digest'],
                  properties: { name: { type: 'string' }, digest: { type: 'string' }, source: { type: 'string' }, source_type: { type: 'string' }, schema: { type: 'string' }, profile: { type: 'string' } },
                },
                tags: keyValues,
              },
            },
          },
        },
      },
      { type: 'object', required: ['op', 'run_id', 'artifacts'], properties: { op: { const: 'logArtifacts' }, run_id: ref('RunId'), artifacts: { type: 'array', items: ref('Artifact') } } },
      {
        type: 'object',
        required: ['op', 'run_id', 'paths'],
        properties: { op: { const: 'deleteArtifacts' }, run_id: ref('RunId'), paths: { type: 'array', items: { type: 'string' } } },
        description: 'Forgets artifacts: each path names a file, or a folder whose every file goes',
      },
      {
        type: 'object',
        required: ['op', 'run_id'],
        properties: { op: { const: 'updateRun' }, run_id: ref('RunId'), status: { type: 'string' }, end_time: { type: ['integer', 'null'] }, run_name: { type: 'string' } },
      },
    ],
  },
} as const;
