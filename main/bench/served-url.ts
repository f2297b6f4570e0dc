import type { ChildProcess } from 'node:child_process';

/** Resolves with the URL a started `vegdyn serve` / `npm start` prints; rejects if it exits first. */
export function servedUrl(server: ChildProcess, what: string, stderr: () => string = () => ''): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /VegDyn is running at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`${what} exited with ${code}${stderr() ? `: ${stderr()}` : ''}`)));
  });
}
