import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { filesUnder, root } from './source-files.js';

/** The store port is the only way in: what an adapter can do beyond it is an optional capability. */
describe('event store adapters stay behind the port', () => {
  it('no module outside src/event-store/ imports or names a concrete adapter', () => {
    const storeDir = join(root, 'src', 'event-store') + sep;
    const offences = filesUnder(join(root, 'src'))
      .filter((file) => !file.startsWith(storeDir))
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        const named = [
          ...text.matchAll(/event-store\/(?:sqlite|eventstoredb)\/|\bSqliteEventStore\b|\bEsdbEventStore\b/g),
        ];
        return named.map((m) => `${relative(root, file)} names ${m[0]}`);
      });
    expect(offences).toEqual([]);
  });
});
