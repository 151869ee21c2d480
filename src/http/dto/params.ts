import { IsLedgerId } from './validators.js';

export class AssignmentIdParam {
  @IsLedgerId()
  assignmentId!: string;
}

export class ExpenseIdParam extends AssignmentIdParam {
  @IsLedgerId()
  expenseId!: string;
}
