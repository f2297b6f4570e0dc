/** Error naming the file, line and column of bad leaf input. */
export class LeafInputError extends Error {
  constructor(readonly source: string, readonly line: number | undefined, readonly column: string | undefined, problem: string) {
    super(`${source}${line !== undefined ? `: line ${line}` : ''}${column ? `, column '${column}'` : ''}: ${problem}`);
    this.name = 'LeafInputError';
  }
}
