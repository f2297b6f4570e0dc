/**
 * Leaf experiments from the workspace: the authors' example leaf CSV, the synthetic Vcmax-only
 * formulation for a few epochs, run as a job from the Leaf experiments panel; the panel then shows
 * observed vs simulated An by PFT and the learned Vcmax25 next to CLM4.5 for every PFT of the file.
 * In web mode the CSV can also be uploaded from a file input (stored in the project through the
 * API); a k-fold run then lists every fold per PFT and the mean ± sd across folds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { apiFromPage, screenshot, VEGDYN, openWorkspaceSession, type WorkspaceSession } from './workspace-harness.ts';
import { spawnSync } from 'node:child_process';

const LEAF_CSV = path.resolve('test/fixtures/leaf/example_dataset.csv');

/** an empty project: the leaf experiments need no dataset */
function createProject(projectDir: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [VEGDYN, 'project', 'create', projectDir], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`project create failed: ${r.stderr}`);
}
let ws: WorkspaceSession;
let page: Page;

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-leaf-', createProject, 'leaf-project');
  page = ws.page;
}, { timeout: 180_000 });

after(() => ws?.close());

test('a synthetic Vcmax-only leaf experiment runs from the panel and shows its scatter and Vcmax table', { timeout: 600_000 }, async () => {
  await page.getByRole('button', { name: 'Leaf experiments', exact: true }).click();
  await page.getByLabel('Leaf CSV file').fill(LEAF_CSV);
  await page.getByLabel('Leaf experiment', { exact: true }).selectOption('vcmax-only');
  await page.getByLabel('Leaf epochs').fill('5');
  await page.getByRole('button', { name: 'Run leaf experiment' }).click();
  await page.waitForFunction(() => /^(Finished|Failed)/.test(document.querySelector('[data-testid=leaf-message]')?.textContent ?? ''), undefined, { timeout: 540_000 });
  assert.match(await page.textContent('[data-testid=leaf-message]') ?? '', /^Finished vcmax-only/);
  const points = await page.locator('[data-testid=leaf-scatter] circle').count();
  assert.ok(points > 20, `scatter shows ${points} test rows`);
  const pfts = await page.locator('[data-testid=leaf-vcmax] tbody tr').count();
  assert.ok(pfts >= 2, `Vcmax table lists ${pfts} PFTs`);
  await screenshot(page, 'workspace-leaf');
});

test('a bad uploaded leaf CSV is refused with its name and the missing column', async () => {
  await page.getByLabel('Upload leaf CSV').setInputFiles({ name: 'not-leaf.csv', mimeType: 'text/csv', buffer: Buffer.from('site,value\nA,1\n') });
  const alert = page.getByRole('alert').filter({ hasText: 'not-leaf.csv' });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.textContent() ?? '', /not-leaf\.csv: line 1, column 'PFT': required column is missing/);
  assert.match(await page.textContent('[data-testid=leaf-message]') ?? '', /Could not load not-leaf\.csv/);
  await alert.getByRole('button').first().click().catch(() => undefined);
});

test('an uploaded leaf CSV runs 3-fold cross-validation and the Vcmax table lists every fold and the mean ± sd', { timeout: 600_000 }, async () => {
  await page.getByLabel('Leaf CSV file').fill('');
  await page.getByLabel('Upload leaf CSV').setInputFiles(LEAF_CSV);
  await page.waitForFunction(() => /^Loaded example_dataset\.csv/.test(document.querySelector('[data-testid=leaf-message]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  const stored = await page.inputValue('[aria-label="Leaf CSV file"]');
  assert.equal(stored, path.join(ws.projectDir, 'leaf-inputs', 'example_dataset.csv'));
  assert.ok(existsSync(stored), 'the upload is stored in the project');
  await page.getByLabel('Leaf experiment', { exact: true }).selectOption('vcmax-only');
  await page.getByLabel('Leaf epochs').fill('3');
  await page.getByLabel('Leaf split').selectOption('kfold');
  await page.getByLabel('Leaf folds').fill('3');
  await page.getByRole('button', { name: 'Run leaf experiment' }).click();
  await page.waitForFunction(() => /^(Finished|Failed)/.test(document.querySelector('[data-testid=leaf-message]')?.textContent ?? ''), undefined, { timeout: 540_000 });
  assert.match(await page.textContent('[data-testid=leaf-message]') ?? '', /^Finished vcmax-only/);
  assert.equal(await page.getAttribute('[data-testid=leaf-vcmax]', 'data-folds'), '3');

  // the rows against the engine's record of the run
  const list = await apiFromPage<{ runs: { id: string }[] }>(page, 'map.leafRuns', {});
  const run = await apiFromPage<{ vcmax: { fold: number; pft: string; learned: number | null; clm45: number | null }[] }>(page, 'map.leafRun', { id: list.runs[0]!.id });
  const pfts = [...new Set(run.vcmax.map((v) => v.pft))];
  assert.ok(pfts.length >= 2, `${pfts.length} PFTs`);
  const close = (shown: string, want: number) => Math.abs(Number(shown) - want) <= 0.006 * Math.abs(want) + 1e-9;
  for (const pft of pfts) {
    const rows = page.locator(`[data-testid=leaf-vcmax] tbody tr[data-pft="${pft}"]`);
    assert.equal(await rows.count(), 4, `${pft}: 3 folds and the mean row`);
    const learned: number[] = [];
    for (const fold of [1, 2, 3]) {
      const want = run.vcmax.find((v) => v.pft === pft && v.fold === fold)!;
      const cells = await rows.locator(`xpath=self::*[@data-fold="${fold}"]`).locator('td').allTextContents();
      assert.equal(cells[1], String(fold));
      assert.ok(close(cells[2]!, want.learned!), `${pft} fold ${fold}: shows ${cells[2]}, engine ${want.learned}`);
      assert.ok(close(cells[3]!, want.clm45!), `${pft} fold ${fold}: CLM4.5 shows ${cells[3]}, engine ${want.clm45}`);
      learned.push(want.learned!);
    }
    const mean = learned.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(learned.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    const summary = await rows.locator('xpath=self::*[@data-fold="mean"]').locator('td').allTextContents();
    assert.equal(summary[1], 'mean ± sd');
    const [m, s] = summary[2]!.split(' ± ');
    assert.ok(close(m!, mean) && close(s!, sd), `${pft}: mean row ${summary[2]}, expected ${mean} ± ${sd}`);
  }
  await page.locator('[data-testid=leaf-vcmax]').scrollIntoViewIfNeeded();
  await screenshot(page, 'workspace-leaf-kfold');
});
