/** Renderer entry: builds the workspace shell and the map, then connects to the engine. */
import { buildShell } from './app-shell.ts';
import { describeError, mountNotices, notify, attempt } from './notify.ts';
import { MapView, WORLD_BOUNDS } from './map-view.ts';
import { Workspace } from './workspace.ts';
import { connectEngine } from './engine.ts';
import { ProjectPanel } from './project-panel.ts';
import { ClipPanel } from './clip-panel.ts';
import { ExportPanel } from './export-panel.ts';
import { ModelsPanel } from './models-panel.ts';
import { TrainingPanel } from './training-panel.ts';
import { LeafPanel } from './leaf-panel.ts';
import { FirstRunPanel } from './first-run-panel.ts';
import { ImportPanel } from './import-panel.ts';
import { ScenariosPanel } from './scenarios-panel.ts';
import type { ApiClient } from '../../main/api/client.ts';

declare global {
  interface Window {
    vegdynWorkspace?: Workspace;
    vegdynTraining?: TrainingPanel;
  }
}

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) throw new Error('no #app element');
  const shell = buildShell(root);
  mountNotices(document.body);

  let api: ApiClient;
  try {
    api = connectEngine();
  } catch (err) {
    // still show the basemap so the window is not empty, and say what is wrong
    new MapView({ container: shell.mapContainer, initialBounds: WORLD_BOUNDS, label: 'Map' });
    shell.connectionBadge.textContent = 'not connected';
    shell.connectionBadge.setAttribute('data-state', 'error');
    notify('error', 'Cannot reach the VegDyn engine', describeError(err));
    return;
  }

  const workspace = new Workspace(shell, api);
  window.vegdynWorkspace = workspace;
  const clipPanel = new ClipPanel(shell.section('clip-section', 'Basin clip', false), api, workspace);
  const modelsPanel = new ModelsPanel(shell.section('models-section', 'Model comparison', false), api, workspace, shell.mapWrap);
  const trainingPanel = new TrainingPanel(shell.section('training-section', 'Training', false), api, workspace);
  const scenariosPanel = new ScenariosPanel(shell.section('scenarios-section', 'Scenarios', false), api, workspace);
  scenariosPanel.onResults = () => workspace.reload();
  const refreshRuns = async (): Promise<void> => {
    const res = await attempt('Loading the runs', () => api.request('map.runs', {}));
    if (!res) return;
    try {
      modelsPanel.setRuns(res.runs);
      trainingPanel.setRuns(res.runs);
      scenariosPanel.setRuns(res.runs);
    } catch (err) {
      notify('error', 'Showing the runs failed', describeError(err));
    }
    // a run's scenario results go with the runs (a new run, a re-evaluation, another project)
    await scenariosPanel.refresh();
  };
  trainingPanel.onRunsChanged = () => void workspace.reload().then(refreshRuns);
  // empty states and the demo project's first start (data generation, the pretrained run's scores)
  const firstRun = new FirstRunPanel(api);
  shell.mapWrap.append(firstRun.element);
  firstRun.onChanged = () => workspace.reload().then(refreshRuns);
  const openSection = (id: string): void => {
    const toggle = document.querySelector<HTMLButtonElement>(`#${id} h2 button`);
    if (toggle?.getAttribute('aria-expanded') === 'false') toggle.click();
    document.getElementById(id)?.scrollIntoView({ block: 'start' });
  };
  const openTraining = (): void => openSection('training-section');
  firstRun.onTrain = openTraining;
  const importPanel = new ImportPanel(shell.section('import-section', 'Import data', false), api);
  importPanel.onImported = () => workspace.reload().then(refreshRuns).then(() => firstRun.refresh(workspace.dataset !== null, workspace.ownGrid()));
  firstRun.onImport = () => openSection('import-section');
  trainingPanel.onNeedData = () => void firstRun.start();
  modelsPanel.onTrain = openTraining;
  modelsPanel.onInstallPretrained = () => void firstRun.start();
  window.vegdynTraining = trainingPanel;
  new LeafPanel(shell.section('leaf-section', 'Leaf experiments', false), api);
  const exportPanel = new ExportPanel(shell.section('export-section', 'Export', false), api, workspace);
  const projectPanel = new ProjectPanel(shell, api, () => workspace.reload());
  // the export range follows the map's date (also across reloads after a run), until edited
  workspace.onDayChange = () => exportPanel.followMapDate();
  workspace.onClipChange = () => modelsPanel.refresh();
  workspace.onSummary = (summary) => {
    clipPanel.setSubbasins(summary.dataset?.subbasins ?? []);
    if (summary.dataset) void clipPanel.refresh();
  };

  const info = await attempt('Asking the engine for its status', () => api.request('system.info', {}));
  if (info) {
    shell.connectionBadge.textContent = `engine ${info.app.version}`;
    shell.connectionBadge.removeAttribute('data-state');
    const b = info.backend;
    shell.backendBadge.textContent = `backend: ${b.chosen}${b.threads > 1 ? ` · ${b.threads} threads` : ''}`;
    shell.backendBadge.title = ['Compute backend in use', ...b.attempts.map((a) => `${a.name}: ${a.ok ? 'ok' : a.reason}`)].join('\n');
  } else {
    shell.connectionBadge.textContent = 'engine unreachable';
    shell.connectionBadge.setAttribute('data-state', 'error');
  }
  api.on('project.opened', () => void workspace.reload().then(() => projectPanel.refresh()).then(refreshRuns).then(() => firstRun.refresh(workspace.dataset !== null, workspace.ownGrid())));
  await workspace.map.whenLoaded();
  await workspace.reload();
  await projectPanel.refresh();
  exportPanel.useCurrentDate();
  await refreshRuns();
  await firstRun.refresh(workspace.dataset !== null, workspace.ownGrid());
  document.body.setAttribute('data-ready', 'true');
}

void start().catch((err: unknown) => notify('error', 'The workspace failed to start', describeError(err)));
