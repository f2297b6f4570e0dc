import type { Command } from 'commander';
import { createProject, openProject } from '../project/project-store.ts';
import { readRecentProjects } from '../project/recent-projects.ts';
import { defaultProjectDir } from '../config/vegdyn-home.ts';

export function registerProjectCommands(program: Command): void {
  const project = program.command('project').description('create and inspect project folders');
  project
    .command('create')
    .description('create a new project in an empty or new folder')
    .argument('<dir>', 'project folder')
    .option('--name <name>', 'display name (default: the folder name)')
    .option('--description <text>', 'free-text description')
    .action(async (dir: string, opts: { name?: string; description?: string }) => {
      const p = await createProject(dir, opts);
      process.stdout.write(`created project '${p.manifest.name}' in ${p.dir}\n`);
    });
  project
    .command('info')
    .description('print the manifest of a project (checks it without changing anything)')
    .argument('[dir]', 'project folder (default: the demo project)')
    .action(async (dir: string | undefined) => {
      const p = await openProject(dir ?? defaultProjectDir());
      process.stdout.write(`${JSON.stringify({ dir: p.dir, ...p.manifest }, null, 2)}\n`);
    });
  project
    .command('recent')
    .description('list recently opened projects')
    .action(async () => {
      for (const p of await readRecentProjects()) process.stdout.write(`${p.openedAt}  ${p.name}  ${p.dir}\n`);
    });
}
