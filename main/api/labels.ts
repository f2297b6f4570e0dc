/**
 * The unit and parameter label formatting the engine uses (main/util/unit-labels.ts), for the
 * renderer, which may import only main/api.
 */
export { DIMENSIONLESS_LABEL, formatUnits, parameterLabel, type ParameterNaming } from '../util/unit-labels.ts';
