import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ASSIGNMENT_EVENT_TYPES } from '../../../src/domain/assignment/events.js';
import { filesUnder, root } from './source-files.js';

/** Issue 11's measure: a term of a letter costs a handful of files, so no event type is named in many. */
const MOST_FILES = 7;

describe('each event type is named in a handful of source files', () => {
  const texts = [...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'projections'))].map(
    (file) => [relative(root, file), readFileSync(file, 'utf8')] as const,
  );

  it(`no event type but AssignmentStarted is named in more than ${MOST_FILES} files of src/ and projections/`, () => {
    const tooWide = ASSIGNMENT_EVENT_TYPES.filter((type) => type !== 'AssignmentStarted').flatMap((type) => {
      const word = new RegExp(`\\b${type}\\b`);
      const files = texts.filter(([, text]) => word.test(text)).map(([file]) => file);
      return files.length > MOST_FILES ? [`${type}: ${files.length} files (${files.join(', ')})`] : [];
    });
    expect(tooWide).toEqual([]);
  });
});
