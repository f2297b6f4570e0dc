/**
 * The pretrained demo run shipped in resources/pretrained-demo/ (made by
 * scripts/make-pretrained-demo.ts): the demo preset's weights of the three models, so a new user
 * sees model LAI and NSE maps without training first.
 */
export const PRETRAINED_RUN_ID = 'pretrained-demo';
export const PRETRAINED_MANIFEST = 'manifest.json';
/** per model: what re-scoring from saved weights reads, plus the history and learned parameters the UI shows */
export const PRETRAINED_FILES = ['model.json', 'weights.vdtb', 'history.json', 'learned-parameters.json'] as const;

export interface PretrainedManifest {
  readonly runId: string;
  readonly preset: string;
  /** the run config's seed (weight initialisation, window draws) */
  readonly runSeed: number;
  readonly models: readonly string[];
  /** the virtual basin the weights were trained on; the project's dataset must match it */
  readonly generator: { readonly name: string; readonly version: string; readonly seed: number; readonly startDate: string; readonly endDate: string };
  readonly madeFrom: { readonly commit: string; readonly uncommittedChanges: boolean; readonly script: string };
  readonly madeAt: string;
  /** median test NSE per entry when the run was made (models, physics-only, climatology, noise ceiling) */
  readonly medianTestNse: Readonly<Record<string, number>>;
}
