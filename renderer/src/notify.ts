/**
 * User-visible messages: failed requests and job outcomes appear as dismissible notices
 * (role=alert for errors) so the workspace stays usable after any failure.
 */
import { h } from './dom.ts';

let area: HTMLElement | null = null;

export function mountNotices(parent: HTMLElement): void {
  area = h('div', { class: 'notice-area', 'aria-live': 'polite' });
  parent.append(area);
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return 'unknown error';
}

/** Shows a notice; errors stay until dismissed, information fades after a while. */
export function notify(kind: 'error' | 'info', title: string, detail?: string): HTMLElement {
  const text = h('div', { class: 'notice-text' }, h('strong', { text: title }), detail ? h('span', { text: detail }) : null);
  const close = h('button', { type: 'button', 'aria-label': 'Dismiss message', text: '×' });
  const el = h('div', { class: 'notice', 'data-kind': kind, role: kind === 'error' ? 'alert' : 'status' }, text, close);
  close.addEventListener('click', () => el.remove());
  (area ?? document.body).append(el);
  if (kind === 'info') setTimeout(() => el.remove(), 6000);
  return el;
}

/** Runs an engine call; on failure shows what failed and why, and returns undefined. */
export async function attempt<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    notify('error', `${what} failed`, describeError(err));
    return undefined;
  }
}
