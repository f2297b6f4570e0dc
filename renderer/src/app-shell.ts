/**
 * The workspace frame: header (app, project name, data source, compute backend, connection),
 * the left panel with collapsible sections, and the main area (map with overlays + bottom dock).
 */
import { h, panelSection } from './dom.ts';

export interface Shell {
  readonly root: HTMLElement;
  readonly projectName: HTMLElement;
  readonly datasetSource: HTMLElement;
  readonly backendBadge: HTMLElement;
  readonly connectionBadge: HTMLElement;
  readonly headerActions: HTMLElement;
  readonly panel: HTMLElement;
  readonly mapWrap: HTMLElement;
  readonly mapContainer: HTMLElement;
  readonly dock: HTMLElement;
  section(id: string, title: string, expanded?: boolean): HTMLElement;
}

export function buildShell(root: HTMLElement): Shell {
  root.replaceChildren();
  const projectName = h('span', { class: 'project-name', 'data-testid': 'project-name', text: 'No project open' });
  const datasetSource = h('span', { class: 'dataset-source', 'data-testid': 'dataset-source' });
  const backendBadge = h('span', { class: 'badge', 'data-testid': 'backend', title: 'Compute backend in use', text: 'backend: …' });
  const connectionBadge = h('span', { class: 'badge', 'data-testid': 'connection', text: 'connecting…' });
  const headerActions = h('div', { class: 'header-actions' });
  const header = h('header', { class: 'app-header', role: 'banner' },
    h('h1', { text: 'VegDyn' }), projectName, datasetSource, backendBadge, connectionBadge, headerActions);

  const panel = h('aside', { class: 'side-panel', 'aria-label': 'Workspace controls' });
  const mapContainer = h('div', { class: 'map-container', id: 'map' });
  const mapWrap = h('div', { class: 'map-wrap' }, mapContainer);
  const dock = h('section', { class: 'dock', 'aria-label': 'Time series', hidden: true });
  const main = h('main', { class: 'main-area' }, mapWrap, dock);
  root.append(header, panel, main);
  root.removeAttribute('aria-busy');

  return {
    root, projectName, datasetSource, backendBadge, connectionBadge, headerActions, panel, mapWrap, mapContainer, dock,
    section(id, title, expanded = true) {
      const { section, body } = panelSection(id, title, expanded);
      panel.append(section);
      return body;
    },
  };
}
