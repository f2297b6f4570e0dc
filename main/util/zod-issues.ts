/**
 * The one formatter of zod validation errors, for every boundary: API payloads, config files,
 * run folders, model files, job params. Each issue becomes one line naming where it is, and an
 * unknown key is named itself ("unknown key 'hiden' in periods.train"), so a typo is never just
 * "invalid input". zod only, no Node imports: the API contract (and so the renderer) uses it.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** 'a.b.0' from an issue's path ('' for the root). */
export function fieldPathOf(issue: Issue): string {
  return issue.path.map(String).join('.');
}

/** One line: '<field>: <problem>', or "unknown key 'x' in <field>". */
export function formatIssue(issue: Issue): string {
  const where = fieldPathOf(issue) || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} in ${where}`;
  }
  return `${where}: ${issue.message}`;
}

/** Every issue, one line each. */
export function formatIssues(issues: readonly Issue[]): string[] {
  return issues.map(formatIssue);
}

/** The first issue as one line (with a count of the others) and its field path, for error bodies. */
export function describeIssues(error: z.ZodError): { field: string; text: string } {
  const first = error.issues[0];
  if (!first) return { field: '', text: 'invalid value' };
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return { field: fieldPathOf(first), text: `${formatIssue(first)}${more}` };
}
