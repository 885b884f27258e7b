import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { ApiErrorResponses } from '../common/swagger/api-error-responses.decorator.js';

const DATABASE_PING_TIMEOUT_MS = 2000;

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness',
    description:
      'Answers 200 while the process can serve requests, whether or not the database answers. ' +
      'Needs no token.',
  })
  @ApiOkResponse({
    description: 'The process is up',
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  @ApiErrorResponses({
    code: ErrorCode.ServiceUnavailable,
    description:
      'Only to a request that reaches the service while it shuts down; the database is not ' +
      'consulted',
  })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness',
    description:
      'Answers 200 when the database answers a ping within 2 seconds; otherwise 503 ' +
      'SERVICE_UNAVAILABLE in the error envelope. Needs no token.',
  })
  @ApiOkResponse({
    description: 'The service and its database are ready',
    schema: {
      type: 'object',
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        info: { type: 'object', example: { database: { status: 'up' } } },
        error: { type: 'object' },
        details: { type: 'object' },
      },
    },
  })
  @ApiErrorResponses(ErrorCode.ServiceUnavailable)
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS }),
    ]);
  }
}
