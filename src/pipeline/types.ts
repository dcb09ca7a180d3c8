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
  /** Unique name: `train`, `build@us` (foreach), `fit@lr-0.1-depth-3` (matrix). */
  name: string;
  /** Commands run in order, each through the shell, in `wdir`. */
  cmd: string[];
  /** Working directory relative to the repository root (`.` for the root). */
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
  /** Where it was declared, for error messages. */
  source: { file: string; key: string };
}

export interface Pipeline {
  /** The cairn.yaml file, relative to the repository root. */
  file: string;
  stages: Map<string, Stage>;
}
