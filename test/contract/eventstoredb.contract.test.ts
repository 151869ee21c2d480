import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { describeEventStoreContract } from './event-store.contract.js';

/**
 * Runs the contract against EventStoreDB: the server named by EVENTSTORE_CONNECTION_STRING, else a
 * throwaway container when a Docker engine answers, else says in one line why it did not run.
 */

/** GET /_ping on the engine testcontainers would use, answered within a second. */
const dockerEngineReachable = (): Promise<boolean> => {
  const host = process.env.DOCKER_HOST;
  let target: { socketPath: string } | { host: string; port: number } | undefined;
  if (host?.startsWith('unix://')) target = { socketPath: host.slice('unix://'.length) };
  else if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace('tcp://', 'http://'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    const socketPath = [
      '/var/run/docker.sock',
      join(homedir(), '.docker/run/docker.sock'),
      process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'docker.sock') : '',
      process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'podman/podman.sock') : '',
    ].find((candidate) => candidate !== '' && existsSync(candidate));
    if (socketPath) target = { socketPath };
  }
  if (!target) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
};

const fromEnvironment = process.env.EVENTSTORE_CONNECTION_STRING;
const useDocker = !fromEnvironment && (await dockerEngineReachable());

if (!fromEnvironment && !useDocker) {
  process.stdout.write(
    'EventStoreDB contract suite skipped: no EVENTSTORE_CONNECTION_STRING and no Docker engine reachable\n',
  );
  describe('EventStoreDB contract', () => {
    it.skip('needs EVENTSTORE_CONNECTION_STRING or a reachable Docker engine', () => undefined);
  });
} else {
  const { EsdbEventStore } = await import('../../src/event-store/eventstoredb/esdb-event-store.js');
  const { describeEsdbSpecifics } = await import('./eventstoredb-specifics.js');
  let connectionString = fromEnvironment ?? '';
  let container: StartedTestContainer | undefined;

  describe('EventStoreDB', () => {
    beforeAll(async () => {
      if (connectionString) return;
      const { GenericContainer, Wait } = await import('testcontainers');
      container = await new GenericContainer('eventstore/eventstore:24.10')
        .withEnvironment({
          EVENTSTORE_INSECURE: 'true',
          EVENTSTORE_RUN_PROJECTIONS: 'All',
          EVENTSTORE_MEM_DB: 'true',
        })
        .withExposedPorts(2113)
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .withStartupTimeout(180_000)
        .start();
      connectionString = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    }, 300_000);

    afterAll(async () => {
      await container?.stop();
    }, 60_000);

    describeEventStoreContract('EventStoreDB', async () => EsdbEventStore.connect(connectionString));
    describeEsdbSpecifics(
      () => connectionString,
      () => container !== undefined,
    );
  });
}
