/** What a panel says right after it started a job: the engine may have queued it (at most 2 run at once). */
import type { ResponseOf } from '../../main/api/contract.ts';

export const QUEUED_TEXT = 'Queued: waits for a running job to end…';

export function jobStartText(state: ResponseOf<'jobs.start'>['state'], starting: string): string {
  return state === 'queued' ? QUEUED_TEXT : starting;
}
