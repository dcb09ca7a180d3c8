/** The parsed form of a search filter (pure data: the SQL compilers and the in-memory evaluator both read it). */

export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** The prefixes MLflow accepts before a key (`metrics.acc`, `metric.acc`, `attr.status`...). */
export const ENTITY_PREFIXES: Record<string, FilterEntity> = {
  metrics: 'metric', metric: 'metric',
  params: 'param', param: 'param', parameters: 'param', parameter: 'param',
  tags: 'tag', tag: 'tag',
  attributes: 'attribute', attribute: 'attribute', attr: 'attribute', run: 'attribute',
  datasets: 'dataset', dataset: 'dataset',
};

export type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export interface Comparison {
  type: 'compare';
  entity: FilterEntity;
  /** The metric/param/tag name, the attribute (canonical: `start_time`, not `created`) or the dataset field. */
  key: string;
  op: CompareOp;
  /** A number for metrics and time attributes, a string otherwise; a list for IN; null for IS [NOT] NULL. */
  value: string | number | Array<string | number> | null;
  /** 1-based column of the comparison in the filter text, for messages. */
  column: number;
}

export interface Junction {
  type: 'and' | 'or';
  items: FilterNode[];
}

export type FilterNode = Comparison | Junction;

/** What is being searched: attributes and their types differ between runs, experiments, logged models and the model registry's lists. */
export type FilterTarget = 'runs' | 'experiments' | 'logged_models' | 'registered_models' | 'model_versions';

export type AttributeType = 'string' | 'number';

/** Searchable attributes and their types, per target (MLflow's names; `created` is MLflow's alias of start_time). */
export const ATTRIBUTES: Record<FilterTarget, Record<string, AttributeType>> = {
  runs: {
    run_id: 'string',
    run_name: 'string',
    status: 'string',
    user_id: 'string',
    artifact_uri: 'string',
    lifecycle_stage: 'string',
    experiment_id: 'string',
    start_time: 'number',
    end_time: 'number',
  },
  experiments: {
    experiment_id: 'string',
    name: 'string',
    artifact_location: 'string',
    lifecycle_stage: 'string',
    creation_time: 'number',
    last_update_time: 'number',
  },
  // MLflow 3's logged models (searched in memory: an experiment holds few of them).
  logged_models: {
    model_id: 'string',
    name: 'string',
    model_type: 'string',
    status: 'string',
    source_run_id: 'string',
    experiment_id: 'string',
    creation_timestamp: 'number',
    last_updated_timestamp: 'number',
  },
  // MLflow filters registered models by name and tags, versions also by run_id and source_path; the timestamps
  // are there for order_by (and may be filtered on too).
  registered_models: {
    name: 'string',
    creation_timestamp: 'number',
    last_updated_timestamp: 'number',
  },
  model_versions: {
    name: 'string',
    version_number: 'number',
    run_id: 'string',
    source_path: 'string',
    current_stage: 'string',
    user_id: 'string',
    creation_timestamp: 'number',
    last_updated_timestamp: 'number',
  },
};

export const ATTRIBUTE_ALIASES: Record<string, string> = { created: 'start_time', run_uuid: 'run_id' };

/** MLflow's other names of a logged model's time attributes. */
export const LOGGED_MODEL_ATTRIBUTE_ALIASES: Record<string, string> = {
  creation_time: 'creation_timestamp',
  creation_timestamp_ms: 'creation_timestamp',
  last_updated_time: 'last_updated_timestamp',
  last_updated_timestamp_ms: 'last_updated_timestamp',
};

/** Other names MLflow accepts for an attribute, per target (`timestamp` orders registered models by their last update). */
export const TARGET_ATTRIBUTE_ALIASES: Record<FilterTarget, Record<string, string>> = {
  runs: ATTRIBUTE_ALIASES,
  experiments: {},
  logged_models: LOGGED_MODEL_ATTRIBUTE_ALIASES,
  registered_models: { timestamp: 'last_updated_timestamp' },
  model_versions: { timestamp: 'last_updated_timestamp', version: 'version_number', source: 'source_path' },
};

/** The fields of a dataset input a run filter can test (`datasets.context` is the input's context tag). */
export const DATASET_FIELDS = ['name', 'digest', 'context'] as const;

export interface OrderBy {
  entity: FilterEntity;
  key: string;
  ascending: boolean;
}
