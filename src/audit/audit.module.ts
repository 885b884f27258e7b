import { Global, Module } from '@nestjs/common';
import { AuditLogService } from './audit-log.service.js';

/**
 * Provides `AuditLogService` to the whole application, so any module's changes (organizations,
 * members, billing, lifecycle) write their entries in their own transactions.
 */
@Global()
@Module({ providers: [AuditLogService], exports: [AuditLogService] })
export class AuditModule {}
