import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { PERSONAL_PATHS, personalPathsOfEvent } from '../../../src/domain/assignment/events.js';
import { DataKeyStore } from '../../../src/personal-data/data-key-store.js';
import { PersonalData } from '../../../src/personal-data/personal-data.js';

const NOW = new Date('2026-12-03T10:00:00Z');

describe('the personal fields, declared once on the event schemas', () => {
  it('are the ones domain.md lists, path by path, for every event type', () => {
    const declared = Object.fromEntries(
      Object.entries(PERSONAL_PATHS).filter(([, paths]) => paths.length > 0),
    );
    expect(declared).toEqual({
      AssignmentStarted: [
        'employee.name',
        'accompanyingFamily[].name',
        'accompanyingFamily[].relationship',
        'baseSalaryMonthly.amount',
      ],
      ExpenseClaimed: ['description'],
      RepatriationTravelled: ['travellers[]'],
      ReturnAirfreightFundDrawn: ['description'],
      SalaryPaid: ['gross.amount', 'hypotheticalTax.amount', 'net.amount'],
      TaxEqualizationSettled: ['amount.amount'],
    });
    expect(PERSONAL_PATHS.DataSubjectErased).toEqual([]);
  });

  it("include, in a correction, those of the corrected type's replacement", () => {
    expect(personalPathsOfEvent('EventCorrected', { correctedType: 'SalaryPaid' })).toEqual([
      'replacement.gross.amount',
      'replacement.hypotheticalTax.amount',
      'replacement.net.amount',
    ]);
    expect(personalPathsOfEvent('EventVoided', { correctedType: 'SalaryPaid' })).toEqual([]);
    expect(personalPathsOfEvent('NoSuchEvent', {})).toEqual([]);
  });
});

describe('personal values inside read-model documents', () => {
  const personalData = new PersonalData(new DataKeyStore(':memory:', randomBytes(32)));
  afterAll(() => personalData.close());

  it('are opened where they stand alone and inside sentences, and a text that only looks sealed stays', () => {
    const started = personalData.seal(
      'AssignmentStarted',
      {
        employee: { id: 'E-1', name: 'Joseph Lamoreux' },
        accompanyingFamily: [],
        baseSalaryMonthly: { amount: '19166.67', currency: 'USD' },
      },
      'E-1',
      NOW,
    );
    const doc = {
      employee: started.employee,
      summary: `Assignment started: ${started.employee.name}, base salary USD ${started.baseSalaryMonthly.amount}`,
      note: 'pd1.RS0x.not-a-sealed-value',
    };
    expect(JSON.stringify(doc)).not.toContain('Lamoreux');
    expect(personalData.revealWithin(doc, 'clear')).toEqual({
      employee: { id: 'E-1', name: 'Joseph Lamoreux' },
      summary: 'Assignment started: Joseph Lamoreux, base salary USD 19166.67',
      note: 'pd1.RS0x.not-a-sealed-value',
    });
    expect(personalData.revealWithin(doc, 'redacted').summary).toBe(
      'Assignment started: [redacted], base salary USD [redacted]',
    );
    personalData.beginErasure({
      subjectId: 'E-1',
      erasedAt: NOW.toISOString(),
      reason: 'art. 17',
      actor: 'admin:dpo',
    });
    expect(personalData.revealWithin(doc, 'clear').summary).toBe(
      'Assignment started: [erased], base salary USD [erased]',
    );
  });
});
