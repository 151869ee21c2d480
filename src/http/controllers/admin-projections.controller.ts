import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ApplicationError } from '../../application/application-errors.js';
import { PROJECTION_HEALTH, type ProjectionHealth } from '../../application/queries/read-model.port.js';
import { Roles } from '../auth/roles.decorator.js';

export class ProjectionParam {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, {
    message: 'projection must be a projection name, as /health lists them',
  })
  projection!: string;
}

/** Read-model operations (admin only): after a fix, a projection stopped at a poison event tries it again. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles()
@Controller('admin/projections')
export class AdminProjectionsController {
  constructor(@Inject(PROJECTION_HEALTH) private readonly projections: ProjectionHealth) {}

  @Post(':projection/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retry the event a projection stopped before (see /health readModels.poisoned)',
  })
  retry(@Param() p: ProjectionParam) {
    if (!this.projections.projectionNames().includes(p.projection)) {
      throw new ApplicationError(404, 'PROJECTION.NOT_FOUND', `no projection is named ${p.projection}`);
    }
    const [cleared] = this.projections.retry(p.projection);
    if (!cleared) {
      throw new ApplicationError(
        409,
        'PROJECTION.NOT_POISONED',
        `projection ${p.projection} is not stopped at a poison event; nothing to retry`,
      );
    }
    return { projection: p.projection, retried: cleared };
  }
}
