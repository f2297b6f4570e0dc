import type { Command } from 'commander';

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`--params: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

export function registerJobsCommands(program: Command): void {
  program
    .command('job')
    .description('run one background job (a kind from main/run/job-kinds.ts) in a worker thread and print its progress')
    .argument('<kind>', 'job kind, e.g. self-test')
    .option('--params <json>', 'the job parameters as JSON', parseJson, {})
    .option('--json', 'print the result as JSON only')
    .action(async (kind: string, opts: { params: unknown; json?: boolean }) => {
      const { Session } = await import('../api/session.ts');
      const session = new Session();
      session.onEvent((event, payload) => {
        if (opts.json) return;
        const p = payload as { fraction?: number; message?: string; level?: string };
        if (event === 'job.progress') process.stderr.write(`${Math.round((p.fraction ?? 0) * 100)}% ${p.message}\n`);
        if (event === 'job.log') process.stderr.write(`[${p.level}] ${p.message}\n`);
      });
      // any registered kind by name: the worker checks the params against the kind's schema
      const jobId = session.jobs.start(kind, opts.params);
      const onSignal = (): void => { session.jobs.cancel(jobId); };
      process.once('SIGINT', onSignal);
      const summary = await session.jobs.wait(jobId);
      process.off('SIGINT', onSignal);
      await session.close();
      if (summary.state === 'failed') throw new Error(summary.error ?? 'job failed');
      if (summary.state === 'cancelled') throw new Error('job cancelled');
      process.stdout.write(`${JSON.stringify(summary.result, null, opts.json ? 0 : 2)}\n`);
    });
}
