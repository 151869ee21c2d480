import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * A load client in its own thread (so it does not share the server's event loop): `clients` keep-alive
 * connections each sending GETs back to back until `requests` have been answered.
 */
const { url, key, clients, requests, paths } = workerData as {
  url: string;
  key: string;
  clients: number;
  requests: number;
  paths: string[];
};
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const target = new URL(url);
const get = (path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path, agent, headers: { authorization: `Bearer ${key}` } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });

const latencies: number[] = [];
let next = 0;
const client = async () => {
  while (next < requests) {
    const n = next++;
    const started = performance.now();
    const status = await get(paths[n % paths.length]!);
    if (status !== 200) throw new Error(`GET ${paths[n % paths.length]} answered ${status}`);
    latencies.push(performance.now() - started);
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: clients }, client));
parentPort!.postMessage({ latencies, seconds: (performance.now() - started) / 1000 });
