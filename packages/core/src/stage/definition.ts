/**
 * One declaration per pipeline stage: what it reads, its parameters (split into those that change its
 * results and those that only change its speed), whether it trains on a tfjs backend, where it writes,
 * and the module that runs it. Everything else derives from it: the stage's Nx entry point
 * (`core/bin/run-stage.mjs`), its CLI subcommand (`registerStageCommand`), its manifest, and the
 * runtime part of its Nx cache key (`tools/nx/stage-key.ts`: result-changing parameters, data, backend).
 *
 * A definition module must stay light (no tfjs, no Arrow): the CLI and the cache-key tool import it.
 * Help texts live beside the CLI registration (`src/command.ts`), outside what Nx hashes, so rewording
 * one re-runs nothing.
 */

/** What a stage's run function gets. */
export interface StageContext<P> {
  /** All parameters: the file's values over the defaults, CLI overrides applied, checked. */
  params: P;
  /** Upstream artifact paths, by the names the definition gives them. */
  inputs: Record<string, string>;
  /** The stage's output folder. */
  out: string;
  /** The tfjs backend selected for this run (stages with `usesBackend`). */
  backend?: string;
  /** Continue training runs from their checkpoints. */
  resume: boolean;
  /** Stage-specific CLI options (e.g. `--run`), passed through. */
  options: Record<string, unknown>;
  log: (line: string) => void;
}

/** What a stage's run function returns, for its manifest. */
export interface StageResult {
  /** Files read (fingerprinted into the manifest). */
  inputs: string[];
  /** Files written. */
  outputs: string[];
  summary: Record<string, unknown>;
}

export interface StageModule<P> {
  run(context: StageContext<P>): Promise<StageResult>;
}

export interface StageDefinition<P extends object> {
  /** The Nx project and the folder under artifacts/, e.g. 'model-cnn'. */
  name: string;
  params: {
    /** The committed parameters file, e.g. 'packages/model-cnn/params.json'. */
    file: string;
    defaults: P;
    /** Parameters that change speed, never results (threads, batch layout): left out of the cache key. */
    speedOnly: readonly (keyof P & string)[];
    /** Problems a user can fix in the file (ranges, combinations), each a sentence; checked when read. */
    check?: (params: P) => string[];
    /**
     * Parameters that name data files, with their place under the data root (`HITCAST_DATA`, see
     * data-root.ts): set, it replaces the committed sample these parameters name by default.
     */
    dataPaths?: Partial<Record<keyof P & string, string>>;
  };
  /** Upstream artifacts by name, with the paths the pipeline uses (CLI options override them). */
  inputs: Record<string, string>;
  /**
   * Inputs that no task this stage depends on writes (e.g. eval's optional tuning summaries): Nx cannot
   * track them as upstream outputs, so the cache-key tool fingerprints their content instead.
   */
  untrackedInputs?: readonly string[];
  /** Default output folder, e.g. 'artifacts/model-cnn'. */
  out: string;
  /** Trains or predicts on a tfjs backend: the backend becomes part of the cache key. */
  usesBackend: boolean;
  /** Imports the module that runs the stage (only when it runs). */
  load: () => Promise<StageModule<P>>;
}

export function defineStage<P extends object>(definition: StageDefinition<P>): StageDefinition<P> {
  return definition;
}

/** The parameters that change the stage's results, keys sorted: what the cache key holds. */
export function resultParams<P extends object>(definition: StageDefinition<P>, params: P): Record<string, unknown> {
  const speed = new Set<string>(definition.params.speedOnly);
  return Object.fromEntries(Object.entries(params).filter(([key]) => !speed.has(key)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The speed-only parameters, for the manifest. */
export function speedParams<P extends object>(definition: StageDefinition<P>, params: P): Record<string, unknown> {
  const speed = new Set<string>(definition.params.speedOnly);
  return Object.fromEntries(Object.entries(params).filter(([key]) => speed.has(key)));
}
