/**
 * The one list of model kinds: id, label and whether a run trains it. The factory
 * (model-factory.ts) must build each of them (checked by its type), the run config accepts the
 * trainable ones, the evaluation labels its entries with these names, and the app's training panel
 * offers the trainable ones (through the API contract, main/api/requests/runs.ts).
 * No imports: the renderer bundles this list.
 */
export const MODEL_KIND_LIST = [
  { kind: 'lstm', label: 'LSTM', trainable: true },
  { kind: 'conv-lstm', label: 'ConvLSTM', trainable: true },
  { kind: 'phys-conv-lstm', label: 'Physics-encoded ConvLSTM', trainable: true },
  { kind: 'physics-only', label: 'Physics only', trainable: false },
] as const;

type Entry = (typeof MODEL_KIND_LIST)[number];
export type ModelKind = Entry['kind'];
export type TrainableModelKind = Extract<Entry, { trainable: true }>['kind'];

export const MODEL_KINDS: readonly ModelKind[] = MODEL_KIND_LIST.map((m) => m.kind);

/** The kinds a run trains, in list order (a zod enum needs a non-empty tuple). */
export const TRAINABLE_MODEL_KINDS = MODEL_KIND_LIST.filter((m): m is Extract<Entry, { trainable: true }> => m.trainable).map((m) => m.kind) as unknown as readonly [TrainableModelKind, ...TrainableModelKind[]];

/** Display name of each kind. */
export const MODEL_LABELS: Readonly<Record<ModelKind, string>> = Object.freeze(Object.fromEntries(MODEL_KIND_LIST.map((m) => [m.kind, m.label])) as Record<ModelKind, string>);

/** The label of a kind, or the id itself for a kind this build does not know. */
export function modelLabel(kind: string): string {
  return (MODEL_LABELS as Readonly<Record<string, string>>)[kind] ?? kind;
}
