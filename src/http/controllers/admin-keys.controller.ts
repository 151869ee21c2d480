import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, SCOPES, type Role, type Scope } from '../../config/ledger-config.js';
import type { KeyRing } from '../../config/api-keys.js';
import { ApplicationError } from '../../application/application-errors.js';
import { API_KEYS } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';

export class CreateKeyDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: 'payroll integration' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;

  @ApiPropertyOptional({
    enum: SCOPES,
    isArray: true,
    description: 'personal-data: a subscriber key that sees personal values instead of "[redacted]"',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes?: Scope[];
}

export class FingerprintParam {
  @Matches(/^[0-9a-f]{16}$/, { message: 'fingerprint must be the 16 hex digits GET /admin/keys shows' })
  fingerprint!: string;
}

/** Key administration (admin only): list keys by fingerprint, issue a key for a role, revoke it. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles()
@Controller('admin/keys')
export class AdminKeysController {
  constructor(@Inject(API_KEYS) private readonly keys: KeyRing) {}

  @Get()
  @ApiOperation({ summary: 'Every accepted key: role, source, fingerprint (never the key)' })
  list() {
    return { items: this.keys.list() };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a new key for a role; the key is in this answer only' })
  create(@Body() body: CreateKeyDto) {
    return this.keys.add(body.role, body.label, new Date(), body.scopes);
  }

  @Delete(':fingerprint')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke a key issued here (keys from LEDGER_API_KEYS or the key file are changed there)',
  })
  revoke(@Param() p: FingerprintParam): void {
    const outcome = this.keys.revoke(p.fingerprint);
    if (outcome === 'unknown')
      throw new ApplicationError(404, 'KEY.NOT_FOUND', `no key has fingerprint ${p.fingerprint}`);
    if (outcome === 'fixed') {
      throw new ApplicationError(
        409,
        'KEY.NOT_REVOCABLE',
        `key ${p.fingerprint} is configured outside the API (LEDGER_API_KEYS or the key file); change it there`,
      );
    }
  }
}
