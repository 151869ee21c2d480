import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );

/** The one-way direction of architecture.md: domain and projections stay pure. */
describe('the layout tells the architecture', () => {
  const pure = [...filesUnder(join(root, 'src', 'domain')), ...filesUnder(join(root, 'projections'))];

  it('domain and projections import no framework and no infrastructure', () => {
    const offences = pure.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            spec.startsWith('@nestjs/') ||
            spec.startsWith('node:') ||
            spec === 'better-sqlite3' ||
            spec.startsWith('@eventstore/') ||
            /\/(application|http|event-store|read-models|cli|config|feed)\//.test(spec),
        )
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('domain imports nothing from projections, and projections only the domain among src/', () => {
    const domainToProjections = filesUnder(join(root, 'src', 'domain')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.includes('projections/'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    const projectionsOutside = filesUnder(join(root, 'projections')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.includes('/src/') && !spec.includes('/src/domain/'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect([...domainToProjections, ...projectionsOutside]).toEqual([]);
  });

  it('infrastructure (event store, read models) imports nothing from the layers above it', () => {
    const lower = [
      ...filesUnder(join(root, 'src', 'event-store')),
      ...filesUnder(join(root, 'src', 'read-models')),
    ];
    const offences = lower.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            /\/(application|http|cli|feed)\//.test(spec) || /^\.\.\/(application|http|cli|feed)\//.test(spec),
        )
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('domain and projections read no clock and draw no random number', () => {
    const offences = pure.flatMap((file) => {
      const code = readFileSync(file, 'utf8');
      return /new Date\(|Date\.now\(|Math\.random\(|performance\.now\(/.test(code)
        ? [relative(root, file)]
        : [];
    });
    expect(offences).toEqual([]);
  });
});
