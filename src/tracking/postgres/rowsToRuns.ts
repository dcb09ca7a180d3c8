import type { Run, RunTag } from '../entities.js';
import { metricValue, rowToInfo, type RunRow } from '../sql/runRows.js';

/**
 * The rest of a run, read in the search's own query (one round trip for a page): each run's params, tags, latest
 * metrics and inputs as JSON arrays ordered by key, as SQLite's loadRuns orders them. PostgreSQL evaluates these
 * sub-selects only for the rows the ORDER BY ... LIMIT keeps. JSON has no NaN or infinity: a NaN latest value is NULL
 * (with is_nan) and PostgreSQL writes the infinities as the strings "Infinity" and "-Infinity", which Number() reads.
 */
export const RUN_DATA_COLUMNS = [
  '(SELECT json_agg(json_build_array(x.key, x.value) ORDER BY x.key) FROM params x WHERE x.run = r.id)',
  '(SELECT json_agg(json_build_array(x.key, x.value) ORDER BY x.key) FROM tags x WHERE x.run = r.id)',
  '(SELECT json_agg(json_build_array(x.key, x.value, x.is_nan, x.timestamp, x.step) ORDER BY x.key) FROM latest_metrics x WHERE x.run = r.id)',
  '(SELECT json_agg(json_build_array(x.name, x.digest, x.source_type, x.source, x.schema, x.profile, x.tags) ORDER BY x.name, x.digest) FROM inputs x WHERE x.run = r.id)',
].join(', ');

type Json = unknown[][] | null;
/** A row of RUN_INFO_COLUMNS followed by RUN_DATA_COLUMNS. */
export type WholeRunRow = [...RunRow, Json, Json, Json, Json];

/** Whole runs from rows of RUN_INFO_COLUMNS + RUN_DATA_COLUMNS. */
export function rowsToRuns(rows: WholeRunRow[]): Run[] {
  return rows.map((row) => {
    const [params, tags, metrics, inputs] = row.slice(10) as Json[];
    return {
      info: rowToInfo(row.slice(0, 10) as RunRow),
      data: {
        metrics: (metrics ?? []).map(([key, value, isNan, timestamp, step]) => ({
          key: key as string,
          value: metricValue(value === null ? null : Number(value), isNan as number),
          timestamp: timestamp as number,
          step: step as number,
        })),
        params: (params ?? []).map(([key, value]) => ({ key: key as string, value: value as string })),
        tags: (tags ?? []).map(([key, value]) => ({ key: key as string, value: value as string })),
      },
      inputs: {
        dataset_inputs: (inputs ?? []).map(([name, digest, source_type, source, schema, profile, inputTags]) => ({
          dataset: {
            name: name as string,
            digest: digest as string,
            source_type: source_type as string,
            source: source as string,
            ...(schema === null ? {} : { schema: schema as string }),
            ...(profile === null ? {} : { profile: profile as string }),
          },
          tags: JSON.parse(inputTags as string) as RunTag[],
        })),
      },
    };
  });
}
