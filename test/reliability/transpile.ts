import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Sources compiled for the child processes that the reliability tests kill: plain ESM, laid out like the
 * sources, inside node_modules so they resolve better-sqlite3 and decimal.js like the sources do.
 */

export const root = resolve(import.meta.dirname, '../..');

/** What the read-model children import: the store, the runner, replay, the projections, the fixtures. */
export const readModelSources = (...more: string[]): string[] =>
  [
    'src/event-store/sqlite/sqlite-event-store.ts',
    'src/read-models/projection-runner.ts',
    'src/read-models/read-model-store.ts',
    'src/read-models/replay.ts',
    'src/read-models/log-reader.worker.ts',
    ...more,
    'projections/index.ts',
    'test/unit/read-models/fixtures.ts',
  ].map((source) => join(root, source));

/** A build directory of its own for this test run. */
export const newBuildDir = (name: string): string =>
  join(root, 'node_modules', '.cache', 'ledger-reliability', `${name}-${process.pid}-${Date.now()}`);

/**
 * Transpiles the entry modules and every relative import they reach into `buildDir`, keeping the source
 * layout; returns where each entry's JavaScript went. `decorators` for Nest code (the server, the CLI).
 */
export const transpileTree = (
  buildDir: string,
  entries: readonly string[],
  options: { decorators?: boolean } = {},
): string[] => {
  const pending = [...entries];
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop()!;
    if (done.has(source)) continue;
    done.add(source);
    const text = readFileSync(source, 'utf8');
    // Static imports and dynamic ones (the store adapter is loaded on demand).
    for (const match of text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)\.js'/g)) {
      pending.push(resolve(dirname(source), `${match[1]}.ts`));
    }
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        // Nest's dependency injection and class-validator read the decorators' design-time types.
        ...(options.decorators ? { experimentalDecorators: true, emitDecoratorMetadata: true } : {}),
      },
    });
    mkdirSync(dirname(outputOf(buildDir, source)), { recursive: true });
    writeFileSync(outputOf(buildDir, source), outputText);
  }
  writeFileSync(join(buildDir, 'package.json'), '{ "type": "module" }\n');
  return entries.map((entry) => outputOf(buildDir, entry));
};

const outputOf = (buildDir: string, source: string): string =>
  join(buildDir, relative(root, source)).replace(/\.ts$/, '.js');

/** Removes the build directory, and the shared parent once no other run uses it. */
export const removeBuildDir = (buildDir: string): void => {
  rmSync(buildDir, { recursive: true, force: true });
  try {
    rmdirSync(dirname(buildDir));
  } catch {
    // Another run is still using it.
  }
};

/** Runs a script of the build in a Node child process; resolves its stdout, rejects with its stderr. */
export const runNodeScript = (script: string, args: readonly string[]): Promise<string> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Decoded as a stream: a chunk may end inside a multi-byte character ("São Paulo").
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(stderr))));
  });
