/**
 * The error every API boundary speaks: a code, a message and, for schema errors, the field path.
 * Shared by the dispatcher, the server and the clients; no Node imports (the renderer uses it).
 */
export type ApiErrorCode =
  | 'invalid-request'
  | 'invalid-response'
  | 'unknown-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'handler-error'
  | 'transport-error';

export interface ApiErrorBody {
  code: ApiErrorCode | string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode | string;
  readonly field: string | undefined;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.field = body.field;
  }

  toBody(): ApiErrorBody {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** HTTP status for an error code, as the web protocol fixes it. */
export function httpStatusOf(code: string): number {
  switch (code) {
    case 'invalid-request': return 400;
    case 'unauthorized': return 401;
    case 'forbidden': return 403;
    case 'unknown-request':
    case 'not-found': return 404;
    default: return 500;
  }
}

// the one zod-error formatter (also used below the API layer); re-exported for the API's users
export { describeIssues, fieldPathOf } from '../util/zod-issues.ts';
