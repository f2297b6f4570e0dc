/**
 * The one error type importers throw. Its message always names the file and, where it applies,
 * the variable, what was expected and what was found, so that a user can fix the input.
 */
export class ImportError extends Error {
  readonly file: string;
  readonly variable: string | undefined;

  constructor(file: string, message: string, variable?: string) {
    super(`${file}${variable ? `, variable '${variable}'` : ''}: ${message}`);
    this.name = 'ImportError';
    this.file = file;
    this.variable = variable;
  }
}

/**
 * Runs a parsing step and turns anything other than an ImportError (a RangeError from a truncated
 * buffer, a wasm abort from a corrupt HDF5 block...) into an ImportError that names the file.
 */
export async function guardFile<T>(file: string, what: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const reason = err instanceof Error ? err.message || err.name : String(err);
    throw new ImportError(file, `${what} failed, the file looks truncated or corrupt (${reason.split('\n')[0]})`);
  }
}

/** The synchronous twin of guardFile, for readers called inside loops. */
export function guardFileSync<T>(file: string, what: string, fn: () => T, variable?: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const reason = err instanceof Error ? err.message || err.name : String(err);
    throw new ImportError(file, `${what} failed, the file looks truncated or corrupt (${reason.split('\n')[0]})`, variable);
  }
}
