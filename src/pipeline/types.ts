/** The resolved pipeline model shared by the parser (cairn.yaml) and the runner (repro, status, lock). */

export type OutKind = 'out' | 'metric' | 'plot';

export interface OutSpec {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  kind: OutKind;
  /** false: not stored in the cache (only hashed and recorded). */
  cache: boolean;
  /** true: not deleted before the stage runs. */
  persist: boolean;
  /** false: not sent by `cairn push`. */
  push: boolean;
  /** Plot options kept from cairn.yaml (plots only): columns, template, labels. */
  plot?: PlotOptions;
}

export interface PlotOptions {
  x?: string;
  y?: string | string[];
  template?: string;
  title?: string;
  x_label?: string;
  y_label?: string;
}

export interface ParamSpec {
  /** Params file relative to the repository root (default `params.yaml` in the stage's wdir). */
  file: string;
  /** Dotted keys the stage depends on; null means the whole file. */
  keys: string[] | null;
}

export interface Stage {
  /**
   * The stage's address, unique in the repository: its name (`train`, `build@us` for foreach, `fit@0.1-3` for
   * matrix) in the root cairn.yaml, `path/to/cairn.yaml:name` in another pipeline file.
   */
  name: string;
  /** The name in its own pipeline file and in the cairn.lock beside it. */
  localName: string;
  /** Commands run in order, each through the shell, in `wdir`. */
  cmd: string[];
  /** Working directory relative to the repository root (`.` for the root); written relative to its pipeline file. */
  wdir: string;
  /** Dependencies relative to the repository root. */
  deps: string[];
  params: ParamSpec[];
  outs: OutSpec[];
  desc?: string;
  frozen: boolean;
  alwaysChanged: boolean;
  /** The cairn.yaml entry a foreach/matrix instance came from (`build` for `build@us`); equal to name otherwise. */
  group?: string;
  /** Where it was declared: the pipeline file (repo-relative) and the key under `stages:`. */
  source: { file: string; key: string };
  /** What it asks of a cluster executor (`resources:` and `sbatch:` in cairn.yaml); the local executor ignores it. */
  resources?: StageResources;
}

/** A stage's cluster request. Not part of its identity: neither locked nor in the run-cache key. */
export interface StageResources {
  cpus?: number;
  /** Memory as Slurm reads it: megabytes, or a number with K, M, G or T (`16G`). */
  mem?: string;
  /** GPUs: a count, or `type:count` (`a100:2`). */
  gpus?: string;
  /** Wall-time limit as Slurm reads it: minutes, `MM:SS`, `HH:MM:SS` or `D-HH[:MM[:SS]]`. */
  time?: string;
  partition?: string;
  /** Further sbatch options, passed as they are (`--constraint=v100`, `--qos=long`). */
  sbatch?: string[];
}

/** One data source of a top-level plot: a file and the fields of it to draw (empty: what the template picks). */
export interface PlotSource {
  /** Repo-relative. */
  file: string;
  fields: string[];
}

/** A top-level `plots:` entry: a view onto files, whichever stage produces them (or none), as in dvc.yaml. */
export interface TopLevelPlot {
  /** The plot's id as written: a path (relative to its pipeline file's folder) or, when `y` names files, a name. */
  id: string;
  /** Where `y` comes from: the id's own file, or each file named in a `y` mapping. */
  y: PlotSource[];
  /** The x field: one name for every file, or a field of one named file. */
  x?: { field: string; file?: string };
  template?: string;
  title?: string;
  x_label?: string;
  y_label?: string;
  /** The pipeline file that declares it, repo-relative. */
  source: string;
}

/** A top-level `artifacts:` entry (a model or data set for the model registry), as in dvc.yaml. */
export interface Artifact {
  /** As declared (`text-classifier`); addressed as `path/to/cairn.yaml:name` outside the root file. */
  name: string;
  /** Repo-relative. */
  path: string;
  type?: string;
  desc?: string;
  labels: string[];
  meta?: unknown;
  /** cairn's addition: the command that serves the model (shown in its bundle's model card). */
  serve?: string;
  /** The pipeline file that declares it, repo-relative. */
  source: string;
}

export interface Pipeline {
  /** The root cairn.yaml, relative to the repository root (named in messages). */
  file: string;
  /** Every pipeline file the pipeline was read from, repo-relative, root first. */
  files: string[];
  stages: Map<string, Stage>;
  /** Top-level `metrics:` files, repo-relative: metrics whichever stage produces them (or none). */
  metrics: string[];
  /** Top-level `plots:` definitions. */
  plots: TopLevelPlot[];
  /** Top-level `params:` files, repo-relative: params files shown by `params diff` even if no stage uses them. */
  params: string[];
  /** Top-level `artifacts:`, by address. */
  artifacts: Map<string, Artifact>;
}
