import { AssignmentReadsController } from './controllers/assignment-reads.controller.js';
import { AssignmentWritesController } from './controllers/assignment-writes.controller.js';
import { AdminKeysController } from './controllers/admin-keys.controller.js';
import { AdminProjectionsController } from './controllers/admin-projections.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { DeadlinesController } from './controllers/deadlines.controller.js';
import { DataSubjectsController } from './controllers/data-subjects.controller.js';

import { IntegrityController } from './controllers/integrity.controller.js';
import { ConsoleController } from './controllers/console.controller.js';
import { SessionController } from './controllers/session.controller.js';
import { ExportController } from './controllers/export.controller.js';

export const HTTP_CONTROLLERS = [
  AssignmentWritesController,
  AssignmentReadsController,
  DeadlinesController,
  HealthController,
  AdminKeysController,
  DataSubjectsController,
  AdminProjectionsController,

  IntegrityController,
  ConsoleController,
  SessionController,
  ExportController,
];
