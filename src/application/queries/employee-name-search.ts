import { assignmentSummaryProjection } from '../../../projections/index.js';
import { ERASED, REDACTED } from '../../personal-data/sealed-value.js';
import type { PersonalData } from '../../personal-data/personal-data.js';
import type { ReadModels } from './read-model.port.js';

/**
 * The list's search by employee name. Names are sealed in the read models, so SQL cannot match them:
 * this keeps the opened names in memory (never logged, never stored), read again whenever the read
 * models or an erasure move on, and gives the keys of the summaries whose name holds the text. An
 * erased name reads "[erased]" and matches nothing.
 */
export class EmployeeNameSearch {
  private names: [string, string][] = [];
  private epoch = '';

  constructor(
    private readonly readModels: ReadModels,
    private readonly personalData: PersonalData,
  ) {}

  /** Assignment ids whose employee's name contains `text`, case-insensitively. */
  matching(text: string): string[] {
    const epoch = `${this.readModels.epoch()}:${this.personalData.erasureEpoch()}`;
    if (epoch !== this.epoch) {
      this.names = [];
      for (const [key, sealed] of this.readModels.values(assignmentSummaryProjection.name, 'employee.name')) {
        if (typeof sealed !== 'string') continue;
        const name = this.personalData.revealWithin(sealed, 'clear');
        if (name !== ERASED && name !== REDACTED) this.names.push([key, name.toLowerCase()]);
      }
      this.epoch = epoch;
    }
    const needle = text.toLowerCase();
    return this.names.filter(([, name]) => name.includes(needle)).map(([key]) => key);
  }
}
