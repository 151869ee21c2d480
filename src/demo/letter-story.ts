import type { AssignmentCommand, StartAssignmentData } from '../domain/assignment/index.js';

export const usd = (amount: string) => ({ amount, currency: 'USD' });
export const cny = (amount: string) => ({ amount, currency: 'CNY' });
/** The yuan's peg before the 2005-07-21 revaluation, then the new rate: stored on each claim. */
export const PEG = { rate: '8.2765', source: "People's Bank of China reference rate", asOf: '2005-01-31' };
const AFTER_REVALUATION = {
  rate: '8.1100',
  source: "People's Bank of China reference rate",
  asOf: '2005-07-29',
};

export const DEMO_ASSIGNMENT_ID = 'valence-2005-coo-shanghai';
export const DEMO_EMPLOYEE = { id: 'VLNC-0001', name: 'Joseph Lamoreux' };
export const DEMO_SPOUSE = 'Spouse of Joseph Lamoreux';

/**
 * Intro of the letter: COO in Shanghai from 2005-01-18 for about six months, reporting to the CEO.
 * The start of the demo story, and the body the end-to-end tests start their assignments with.
 */
export const letterStart = (): Omit<StartAssignmentData, 'assignmentId'> => ({
  employee: DEMO_EMPLOYEE,
  position: 'Chief Operating Officer',
  homeCountry: 'US',
  hostCountry: 'CN',
  hostCity: 'Shanghai',
  effectiveDate: '2005-01-18',
  expectedEndDate: '2005-07-18',
  reportsTo: 'Stephan Godevais',
  accompanyingFamily: [{ name: DEMO_SPOUSE, relationship: 'spouse' }],
  baseSalaryMonthly: usd('19166.67'),
});

export interface StoryStep {
  /** What happened, in HR's words. */
  label: string;
  command: AssignmentCommand;
  /** Document reference kept on the event. */
  source?: string;
}

/**
 * The Valence Technology letter of 13 January 2005 and a plausible story under it: the facts of the
 * letter are real, the story after signature (shipments, trips, the extension) is illustrative.
 */
export const letterStory = (assignmentId = DEMO_ASSIGNMENT_ID): StoryStep[] => [
  {
    label: 'Joe starts as COO in Shanghai (letter of 2005-01-13)',
    source: 'assignment letter 2005-01-13',
    command: {
      type: 'StartAssignment',
      data: { assignmentId, ...letterStart() },
    },
  },
  {
    label: 'Economy flight to Shanghai claimed',
    source: 'invoice UA-2005-0117',
    command: {
      type: 'ClaimExpense',
      data: {
        expenseId: 'exp-outbound-flight',
        category: 'outbound-airfare',
        amount: usd('1450.00'),
        incurredOn: '2005-01-17',
        receipts: ['UA-2005-0117'],
        description: 'Economy SFO-PVG, employee and spouse',
      },
    },
  },
  {
    label: 'Outbound flight approved',
    command: {
      type: 'ApproveExpense',
      data: { expenseId: 'exp-outbound-flight', approvedBy: 'Bob Borron', approvedOn: '2005-01-24' },
    },
  },
  {
    label: 'Household goods by air: 480 lb',
    command: {
      type: 'RecordShipment',
      data: {
        shipmentId: 'ship-out-air',
        direction: 'outbound',
        mode: 'air',
        shippedOn: '2005-01-20',
        weightLb: '480',
      },
    },
  },
  {
    label: 'Exception asked for: 650 lb of airfreight, for the school books',
    command: {
      type: 'RequestException',
      data: {
        exceptionId: 'exc-airfreight-650',
        term: 'outbound-air-weight',
        requestedLimit: '650',
        reason: "The children's school books, which the school in Shanghai does not stock",
        requestedBy: 'Carl Berg',
        requestedOn: '2005-01-21',
      },
    },
  },
  {
    label: 'Exception approved at 600 lb by Bob Borron',
    command: {
      type: 'ApproveException',
      data: {
        exceptionId: 'exc-airfreight-650',
        approvedBy: 'Bob Borron',
        approvedOn: '2005-01-24',
        grantedLimit: '600',
      },
    },
  },
  {
    label: 'The school books by air: 100 lb, 580 lb in all under the 600 lb in force',
    command: {
      type: 'RecordShipment',
      data: {
        shipmentId: 'ship-out-air-books',
        direction: 'outbound',
        mode: 'air',
        shippedOn: '2005-01-26',
        weightLb: '100',
      },
    },
  },
  {
    label: 'One 40-foot container by sea: 9,000 lb',
    command: {
      type: 'RecordShipment',
      data: {
        shipmentId: 'ship-out-sea',
        direction: 'outbound',
        mode: 'sea',
        shippedOn: '2005-02-01',
        weightLb: '9000',
        containers: 1,
        containerSize: '40ft',
      },
    },
  },
  {
    label: 'Miscellaneous allowance of USD 2,500 paid',
    command: { type: 'PayMiscellaneousAllowance', data: { paidOn: '2005-01-31' } },
  },
  {
    label: 'January salary, prorated from the 18th',
    command: {
      type: 'PaySalary',
      data: { period: '2005-01', paidOn: '2005-01-31', hypotheticalTax: usd('2596.77') },
    },
  },
  {
    label: 'Apartment lease approved at CNY 24,000 a month',
    command: {
      type: 'ApproveHousingLease',
      data: {
        leaseId: 'lease-pudong',
        approvedOn: '2005-01-25',
        effectiveFrom: '2005-02-01',
        monthlyRent: cny('24000.00'),
        comparableUsCap: usd('3200.00'),
        exchangeRate: PEG,
      },
    },
  },
  {
    label: 'Spring Festival observed',
    command: { type: 'ObserveHostHoliday', data: { date: '2005-02-09', name: 'Spring Festival' } },
  },
  {
    label: 'February salary',
    command: {
      type: 'PaySalary',
      data: { period: '2005-02', paidOn: '2005-02-28', hypotheticalTax: usd('5750.00') },
    },
  },
  {
    label: 'February rent claimed and approved',
    command: {
      type: 'ClaimExpense',
      data: {
        expenseId: 'exp-rent-2005-02',
        category: 'housing-rent',
        amount: cny('24000.00'),
        exchangeRate: PEG,
        incurredOn: '2005-02-01',
        receipts: ['LEASE-PUDONG-2005-02'],
        description: 'Rent, February 2005',
      },
    },
  },
  {
    label: 'Rent approved',
    command: {
      type: 'ApproveExpense',
      data: { expenseId: 'exp-rent-2005-02', approvedBy: 'Bob Borron', approvedOn: '2005-02-05' },
    },
  },
  {
    label: 'Mandarin lessons claimed',
    command: {
      type: 'ClaimExpense',
      data: {
        expenseId: 'exp-mandarin',
        category: 'language-training',
        amount: cny('3000.00'),
        exchangeRate: PEG,
        incurredOn: '2005-02-15',
        receipts: ['SH-LANG-0215'],
        description: 'Mandarin course, 20 lessons',
      },
    },
  },
  {
    label: 'Airport meals claimed without a receipt',
    command: {
      type: 'ClaimExpense',
      data: {
        expenseId: 'exp-airport-meals',
        category: 'travel-meals-incidentals',
        amount: usd('84.50'),
        incurredOn: '2005-01-17',
        receipts: [],
        description: 'Meals at SFO and PVG',
      },
    },
  },
  {
    label: 'Rejected: clause 4 reimburses meals on an expense report with proper receipts',
    command: {
      type: 'RejectExpense',
      data: {
        expenseId: 'exp-airport-meals',
        rejectedBy: 'Bob Borron',
        rejectedOn: '2005-02-20',
        reason: 'No receipt attached (clause 4)',
      },
    },
  },
  {
    label: 'Joe flies home on home leave',
    command: {
      type: 'TakeHomeLeaveTrip',
      data: {
        tripId: 'trip-2005-1',
        traveller: 'employee',
        destination: 'home',
        departedOn: '2005-03-10',
        returnedOn: '2005-03-20',
        fare: usd('1380.00'),
      },
    },
  },
  {
    label: 'His spouse visits Shanghai',
    command: {
      type: 'TakeHomeLeaveTrip',
      data: {
        tripId: 'trip-2005-2',
        traveller: 'spouse',
        destination: 'host',
        departedOn: '2005-05-01',
        returnedOn: '2005-05-15',
        fare: usd('1400.00'),
      },
    },
  },
  {
    label: 'A week of vacation in Yunnan',
    command: { type: 'TakeVacation', data: { from: '2005-05-23', to: '2005-05-27', days: 5 } },
  },
  {
    label: 'Assignment extended to 2006-03-31 (more than a year in all: the tax home becomes indefinite)',
    command: {
      type: 'ExtendAssignment',
      data: {
        decidedOn: '2005-06-15',
        newExpectedEndDate: '2006-03-31',
        reason: 'Plant transition not finished',
      },
    },
  },
  {
    label: 'Joe takes the one trip elsewhere: Bali, dearer than home, capped',
    command: {
      type: 'TakeHomeLeaveTrip',
      data: {
        tripId: 'trip-2005-3',
        traveller: 'employee',
        destination: 'other',
        departedOn: '2005-08-05',
        returnedOn: '2005-08-12',
        fare: usd('1650.00'),
        homeFare: usd('1400.00'),
      },
    },
  },
  {
    label: 'Taxi fares in Shanghai, after the revaluation',
    command: {
      type: 'ClaimExpense',
      data: {
        expenseId: 'exp-taxi-2005-08',
        category: 'host-transportation',
        amount: cny('811.00'),
        exchangeRate: AFTER_REVALUATION,
        incurredOn: '2005-08-31',
        receipts: ['TAXI-2005-08'],
        description: 'Taxis, August 2005',
      },
    },
  },
  {
    label: 'Joe flies home for New Year 2006',
    command: {
      type: 'TakeHomeLeaveTrip',
      data: {
        tripId: 'trip-2006-1',
        traveller: 'employee',
        destination: 'home',
        departedOn: '2006-01-02',
        returnedOn: '2006-01-09',
        fare: usd('1420.00'),
      },
    },
  },
  {
    label: 'Tax equalization for 2005 settled by the outside provider',
    command: {
      type: 'SettleTaxEqualization',
      data: {
        taxYear: 2005,
        amount: usd('4210.55'),
        direction: 'company-to-employee',
        settledOn: '2006-03-15',
        provider: 'Deloitte & Touche',
      },
    },
  },
  {
    label: 'The assignment is completed',
    command: { type: 'EndAssignment', data: { reason: 'completed', endedOn: '2006-03-31' } },
  },
  {
    label: 'Money for the return airfreight placed in a separate account',
    command: {
      type: 'DepositReturnAirfreightFund',
      data: { depositedOn: '2006-03-25', amount: usd('1800.00') },
    },
  },
  {
    label: 'Return shipment by sea: 10,000 lb of a 10,580 lb cap',
    command: {
      type: 'RecordShipment',
      data: {
        shipmentId: 'ship-return-sea',
        direction: 'return',
        mode: 'sea',
        shippedOn: '2006-03-28',
        weightLb: '10000',
        containers: 1,
        containerSize: '40ft',
      },
    },
  },
  {
    label: 'Economy flight home for Joe and his spouse',
    command: {
      type: 'RecordRepatriationTravel',
      data: {
        travelledOn: '2006-04-02',
        travellers: [DEMO_EMPLOYEE.name, DEMO_SPOUSE],
        fare: usd('2900.00'),
      },
    },
  },
  {
    label: 'The airfreight of clothing paid from the separate account',
    command: {
      type: 'DrawReturnAirfreightFund',
      data: { drawnOn: '2006-04-05', amount: usd('1650.00'), description: 'Airfreight of clothing, 380 lb' },
    },
  },
  {
    label: 'A taxi receipt of the last week, claimed after the end',
    source: 'receipt SH-TAXI-0329',
    command: {
      type: 'ClaimExpense',
      data: {
        expenseId: 'exp-late-taxi',
        category: 'host-transportation',
        amount: cny('86.00'),
        exchangeRate: AFTER_REVALUATION,
        incurredOn: '2006-03-29',
        receipts: ['SH-TAXI-0329'],
        description: 'Taxi to the plant for the handover',
      },
    },
  },
  {
    label: 'The late taxi claim approved',
    command: {
      type: 'ApproveExpense',
      data: { expenseId: 'exp-late-taxi', approvedBy: 'Bob Borron', approvedOn: '2006-04-20' },
    },
  },
];
