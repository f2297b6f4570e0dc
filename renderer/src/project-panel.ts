/**
 * Project section: the open project's folder, recently opened projects, opening another project
 * folder (with the native folder dialog in the Electron shell, by typed path in web mode; the
 * engine refuses folders that are not VegDyn projects, with a reason), and "New project…"
 * (new-project-form.ts: a project on its own grid).
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { Shell } from './app-shell.ts';
import { h, field } from './dom.ts';
import { attempt, notify } from './notify.ts';
import { nativeDialogs } from './native-dialogs.ts';
import { NewProjectForm } from './new-project-form.ts';

export class ProjectPanel {
  private readonly current: HTMLElement;
  private readonly recent: HTMLElement;
  private readonly pathInput: HTMLInputElement;

  constructor(shell: Shell, private readonly api: ApiClient, private readonly reload: () => Promise<void>) {
    const body = shell.section('project-section', 'Project', false);
    this.current = h('p', { class: 'hint', 'data-testid': 'project-dir' });
    this.recent = h('div', { class: 'layer-list', role: 'list', 'aria-label': 'Recent projects' });
    this.pathInput = h('input', { type: 'text', placeholder: '/path/to/project', 'aria-label': 'Project folder' });
    const open = h('button', { type: 'button', text: 'Open' });
    const form = h('div', { class: 'row' }, field('Open a project folder', this.pathInput), open);
    open.addEventListener('click', () => void this.open(this.pathInput.value.trim()));
    this.pathInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') void this.open(this.pathInput.value.trim()); });
    const dialogs = nativeDialogs();
    let choose: HTMLElement | null = null;
    if (dialogs) {
      choose = h('button', { type: 'button', class: 'primary', text: 'Open project…' });
      choose.addEventListener('click', () => void dialogs.openDialog('project').then((dir) => (dir ? this.open(dir) : undefined)));
    }
    const newForm = new NewProjectForm(api, dialogs);
    const newButton = h('button', { type: 'button', text: 'New project…', 'aria-expanded': 'false' });
    newButton.addEventListener('click', () => {
      newForm.toggle();
      newButton.setAttribute('aria-expanded', String(!newForm.element.hidden));
    });
    // the engine opened the new project (project.opened reloads the map); show it here too
    newForm.onCreated = () => this.refresh();
    body.append(this.current, h('div', { class: 'row' }, choose ?? '', newButton), newForm.element, form, h('div', { class: 'layer-group-title', text: 'Recent' }), this.recent);
  }

  async open(dir: string): Promise<void> {
    if (!dir) return;
    const info = await attempt(`Opening ${dir}`, () => this.api.request('project.open', { dir }));
    if (!info) return;
    notify('info', `Opened ${info.name}`, info.dir);
    await this.reload();
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const info = await this.api.request('project.info', {}).catch(() => null);
    this.current.textContent = info ? `${info.name} — ${info.dir}` : 'No project is open.';
    const recent = await this.api.request('project.recent', {}).catch(() => null);
    this.recent.replaceChildren(...(recent?.projects ?? []).slice(0, 8).map((p) => {
      const b = h('button', { type: 'button', title: p.dir, text: p.name });
      b.addEventListener('click', () => void this.open(p.dir));
      return h('div', { role: 'listitem' }, b);
    }));
  }
}
