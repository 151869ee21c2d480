import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size of the server process now, in MB (from /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

/**
 * The real server (`node dist/src/main.js`) in its own process, so its memory is measured alone and
 * neither the load nor the bench shares its event loop. `BENCH_CPU_PROF=<dir>` profiles it.
 */
export const startServer = async (env: Record<string, string>): Promise<ServerProcess> => {
  const profile = process.env.BENCH_CPU_PROF;
  const args = profile
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${profile}`,
        fileURLToPath(new URL('./profiled-server.js', import.meta.url)),
      ]
    : [MAIN];
  const child: ChildProcess = spawn(process.execPath, args, {
    // The per-key rate limit stays on (its cost is measured) but high enough never to refuse the load.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NO_COLOR: '1',
      LEDGER_RATE_LIMIT_PER_MINUTE: '1000000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /serving on (http:\/\/[0-9.]+:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output.slice(-2000)}`)));
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    rssMb: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};
