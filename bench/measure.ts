import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export const round = (value: number, digits = 0): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Median of `runs` measurements, and their spread. */
export const medianOf = async (
  runs: number,
  measure: (run: number) => Promise<number>,
): Promise<{ median: number; min: number; max: number; runs: number[] }> => {
  const values: number[] = [];
  for (let run = 0; run < runs; run += 1) values.push(await measure(run));
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values };
};

export interface HttpRun {
  p50: number;
  p99: number;
  rate: number;
  failures: number;
  /** The failures by kind (`timeouts`, a connection error's code, `status 503`...). */
  failedBy: Record<string, number>;
}

/** "3 timeouts, 2 ECONNRESET": the failures of a run, by kind. */
export const failureKinds = (run: HttpRun): string =>
  Object.entries(run.failedBy)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');

const addCounts = (runs: readonly HttpRun[]): Record<string, number> => {
  const sum: Record<string, number> = {};
  for (const run of runs)
    for (const [kind, n] of Object.entries(run.failedBy)) sum[kind] = (sum[kind] ?? 0) + n;
  return sum;
};

export interface LoadJob {
  url: string;
  key: string;
  clients: number;
  seconds: number;
  warmupSeconds: number;
  paths: string[];
  body?: string;
  status?: number;
}

const LOAD_CLIENT = fileURLToPath(new URL('./http-load-client.js', import.meta.url));

/** Runs the load in a second process, so client and server never share an event loop or a heap. */
export const load = (job: LoadJob): Promise<HttpRun> =>
  new Promise<HttpRun>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [LOAD_CLIENT],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const run = JSON.parse(stdout) as {
          latencies: number[];
          seconds: number;
          failures: number;
          failedBy: Record<string, number>;
        };
        run.latencies.sort((a, b) => a - b);
        resolve({
          p50: percentile(run.latencies, 0.5),
          p99: percentile(run.latencies, 0.99),
          rate: run.latencies.length / run.seconds,
          failures: run.failures,
          failedBy: run.failedBy,
        });
      },
    );
    child.stdin!.end(JSON.stringify(job));
  });

/** The run with the median rate (writes) or the median p99 (reads) of several, with the spread. */
export const medianRun = (runs: readonly HttpRun[], by: 'rate' | 'p99'): HttpRun & { spread: string } => {
  const sorted = [...runs].sort((a, b) => a[by] - b[by]);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  const spread =
    by === 'rate'
      ? `${fmt(sorted[0]!.rate)}-${fmt(sorted.at(-1)!.rate)}/s`
      : `p99 ${fmt(sorted[0]!.p99, 1)}-${fmt(sorted.at(-1)!.p99, 1)} ms`;
  return {
    ...mid,
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    failedBy: addCounts(runs),
    spread,
  };
};
