/**
 * Leaf experiments from the workspace: the authors' example leaf CSV, the synthetic Vcmax-only
 * formulation for a few epochs, run as a job from the Leaf experiments panel; the panel then shows
 * observed vs simulated An by PFT and the learned Vcmax25 next to CLM4.5 for every PFT of the file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWorkspace, screenshot, serve, VEGDYN, type Served } from './workspace-harness.ts';
import { spawnSync } from 'node:child_process';

const LEAF_CSV = path.resolve('/work/shared/data/leaf/example_dataset.csv');
const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-leaf-'));
const projectDir = path.join(home, 'leaf-project');
const env = { ...process.env, VEGDYN_HOME: home };
let served: Served | undefined;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  const r = spawnSync(process.execPath, [VEGDYN, 'project', 'create', projectDir], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`project create failed: ${r.stderr}`);
  served = await serve(projectDir, env);
  browser = await launchBrowser();
  ({ page } = await openWorkspace(browser, served.url));
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await served?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('a synthetic Vcmax-only leaf experiment runs from the panel and shows its scatter and Vcmax table', { skip: !existsSync(LEAF_CSV) && 'the example leaf dataset is not in this checkout', timeout: 600_000 }, async () => {
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
