import { IsLedgerId } from './validators.js';

export class AssignmentIdParam {
  @IsLedgerId()
  assignmentId!: string;
}

export class ExpenseIdParam extends AssignmentIdParam {
  @IsLedgerId()
  expenseId!: string;
}

export class ExceptionIdParam extends AssignmentIdParam {
  @IsLedgerId()
  exceptionId!: string;
}
