import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { newPrefixedId } from '../common/ids.js';
import { WELL_FORMED_REQUEST_ID } from '../common/http/request-id.js';
import {
  cursorTimestampSql,
  decodeCursor,
  type Page,
  toPage,
} from '../common/pagination/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../common/pagination/list-query.dto.js';
import type { AuditAction, AuditTargetType } from './audit-action.js';
import type { AuditChanges } from './audit-changes.js';
import { AuditEvent } from './audit-event.entity.js';
import type { AuditLogQueryDto } from './dto/audit-log-query.dto.js';

/** What a change tells the audit trail about itself. */
export interface AuditEntry {
  orgId: string;
  action: AuditAction;
  /** The user id (token `sub`) that made the change, or `SYSTEM_ACTOR` / `STRIPE_ACTOR`. */
  actor: string;
  target: { type: AuditTargetType; id: string };
  /** Each changed field with `from` and `to`; never a secret, emails masked (`maskEmail`). */
  changes?: AuditChanges;
  /** The request that caused the change (`@RequestId()`); null for work no request started. */
  requestId?: string | null;
}

/** A data-modifying statement's SQL and its parameters, numbered from `$1`. */
export interface AuditStatement {
  sql: string;
  parameters: unknown[];
}

const INSERT_COLUMNS =
  'event_id, org_id, action, actor, target_type, target_id, changes, request_id';
/** The column types, for parameters selected rather than inserted as values. */
const INSERT_TYPES = ['varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'json'];

const UNTIL_BEFORE_SINCE = 'until must be later than since';

const NOT_IN_TRANSACTION =
  'AuditLogService.record() needs the EntityManager of an open transaction, so that the ' +
  'entry commits or rolls back with the change it describes';

/**
 * The audit trail: entries are written in the transaction of the change they describe, never
 * changed afterwards, and read newest first by an organization's owner, admins and auditors.
 */
@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes one entry through the caller's transaction: it exists exactly when the change
   * commits. Returns the entry's `event_id`.
   */
  async record(manager: EntityManager, entry: AuditEntry): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(NOT_IN_TRANSACTION);
    }
    const eventId = newPrefixedId('evt');
    const values = entryValues(eventId, entry);
    await manager.query(
      `INSERT INTO audit_log (${INSERT_COLUMNS})
       VALUES (${values.map((_value, index) => `$${index + 1}`).join(', ')})`,
      values,
    );

    return eventId;
  }

  /**
   * Wraps a single data-modifying statement (`UPDATE ... RETURNING ...`, parameters from `$1`)
   * so that the same statement writes the entry, once for each row the change returns: the
   * change and its entry commit together in one round trip, and no entry is written when the
   * change matched nothing. The statement answers the change's rows.
   */
  withEntry(change: AuditStatement, entry: AuditEntry): AuditStatement {
    const values = entryValues(newPrefixedId('evt'), entry);
    const first = change.parameters.length + 1;
    const placeholders = values
      .map((_value, index) => `$${first + index}::${INSERT_TYPES[index] ?? 'varchar'}`)
      .join(', ');

    return {
      sql: `WITH changed AS (${change.sql}),
            audited AS (INSERT INTO audit_log (${INSERT_COLUMNS})
                        SELECT ${placeholders} FROM changed)
            SELECT * FROM changed`,
      parameters: [...change.parameters, ...values],
    };
  }

  /** An organization's entries, newest first, keyset-paginated and filtered. */
  async list(orgId: string, query: AuditLogQueryDto): Promise<Page<AuditEvent & { id: string }>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.since && query.until && Date.parse(query.until) <= Date.parse(query.since)) {
      throw DomainError.validation([
        { field: 'until', constraint: 'after_since', message: UNTIL_BEFORE_SINCE },
      ]);
    }
    const filtered = () => {
      const builder = this.dataSource
        .getRepository(AuditEvent)
        .createQueryBuilder('event')
        .where('event.orgId = :orgId', { orgId });
      if (query.action) {
        builder.andWhere('event.action = :action', { action: query.action });
      }
      if (query.actor) {
        builder.andWhere('event.actor = :actor', { actor: query.actor });
      }
      if (query.since) {
        builder.andWhere('event.createdAt >= :since::timestamptz', { since: query.since });
      }
      if (query.until) {
        builder.andWhere('event.createdAt < :until::timestamptz', { until: query.until });
      }

      return builder;
    };

    const pageQuery = filtered()
      .addSelect(cursorTimestampSql('event.created_at'), 'cursor_created_at')
      .orderBy('event.createdAt', 'DESC')
      .addOrderBy('event.eventId', 'DESC')
      .limit(limit + 1);
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      pageQuery.andWhere('(event.createdAt, event.eventId) < (:createdAt::timestamptz, :id)', {
        createdAt: position.createdAt,
        id: position.id,
      });
    }
    const [{ entities, raw }, total] = await Promise.all([
      pageQuery.getRawAndEntities<{ cursor_created_at: string }>(),
      filtered().getCount(),
    ]);
    const events = entities.map((event) => Object.assign(event, { id: event.eventId }));

    return toPage(events, raw, limit, total);
  }
}

function entryValues(eventId: string, entry: AuditEntry): unknown[] {
  const requestId =
    entry.requestId && WELL_FORMED_REQUEST_ID.test(entry.requestId) ? entry.requestId : null;

  return [
    eventId,
    entry.orgId,
    entry.action,
    entry.actor,
    entry.target.type,
    entry.target.id,
    JSON.stringify(entry.changes ?? {}),
    requestId,
  ];
}
