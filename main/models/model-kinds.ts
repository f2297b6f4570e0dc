/**
 * The one list of model kinds: id, label, whether a run trains it and whether it has a neural
 * network (the run's hiddenSize applies to those only). The factory
 * (model-factory.ts) must build each of them (checked by its type), the run config accepts the
 * trainable ones, the evaluation labels its entries with these names, and the app's training panel
 * offers the trainable ones (through the API contract, main/api/requests/runs.ts).
 * No imports: the renderer bundles this list.
 */
export const MODEL_KIND_LIST = [
  // learnsProcessParameters: the kinds whose process-model parameters are trained (and so take the
  // `parameterization` option: per PFT or a per-cell network)
  { kind: 'lstm', label: 'LSTM', trainable: true, network: true, learnsProcessParameters: false },
  { kind: 'conv-lstm', label: 'ConvLSTM', trainable: true, network: true, learnsProcessParameters: false },
  { kind: 'phys-conv-lstm', label: 'Physics-encoded ConvLSTM', trainable: true, network: true, learnsProcessParameters: true },
  // the process model alone with its PFT default parameters: the uncalibrated reference
  { kind: 'physics-only', label: 'Physics only (defaults)', trainable: false, network: false, learnsProcessParameters: false },
  // the same process model whose parameters the trainer calibrates (same loss, splits, early stopping)
  { kind: 'physics-calibrated', label: 'Physics only (calibrated)', trainable: true, network: false, learnsProcessParameters: true },
] as const;

type Entry = (typeof MODEL_KIND_LIST)[number];
export type ModelKind = Entry['kind'];
export type TrainableModelKind = Extract<Entry, { trainable: true }>['kind'];

export const MODEL_KINDS: readonly ModelKind[] = MODEL_KIND_LIST.map((m) => m.kind);

/** The kinds a run trains, in list order (a zod enum needs a non-empty tuple). */
export const TRAINABLE_MODEL_KINDS = MODEL_KIND_LIST.filter((m): m is Extract<Entry, { trainable: true }> => m.trainable).map((m) => m.kind) as unknown as readonly [TrainableModelKind, ...TrainableModelKind[]];

/** Display name of each kind. */
export const MODEL_LABELS: Readonly<Record<ModelKind, string>> = Object.freeze(Object.fromEntries(MODEL_KIND_LIST.map((m) => [m.kind, m.label])) as Record<ModelKind, string>);

/** true for the kinds with a neural network (hidden size, output head) */
export function hasNetwork(kind: string): boolean {
  return MODEL_KIND_LIST.some((m) => m.kind === kind && m.network);
}

/** true for the kinds that train process-model parameters (the `parameterization` option applies to them) */
export function learnsProcessParameters(kind: string): boolean {
  return MODEL_KIND_LIST.some((m) => m.kind === kind && m.learnsProcessParameters);
}

/** true for the process model alone (defaults or calibrated): a known kind without a network */
export function isProcessModelOnly(kind: string): boolean {
  return MODEL_KIND_LIST.some((m) => m.kind === kind && !m.network);
}

/** The label of a kind, or the id itself for a kind this build does not know. */
export function modelLabel(kind: string): string {
  return (MODEL_LABELS as Readonly<Record<string, string>>)[kind] ?? kind;
}
