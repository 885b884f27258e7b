import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { AuditChanges } from './audit-changes.js';
import type { AuditAction, AuditTargetType } from './audit-action.js';

/**
 * One entry of an organization's audit trail. Append-only: the table's triggers refuse UPDATE,
 * DELETE and TRUNCATE, and the service never tries. `org_id` has no foreign key on purpose, so
 * the trail outlives whatever it describes.
 */
@Entity({ name: 'audit_log' })
export class AuditEvent {
  /** `evt_` and 16 lowercase base32 characters. */
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 32 })
  eventId: string;

  @Column({ name: 'org_id', type: 'varchar', length: 32 })
  orgId: string;

  @Column({ type: 'varchar', length: 64 })
  action: AuditAction;

  /** The user id (token `sub`) that made the change, or `system` / `stripe`. */
  @Column({ type: 'varchar', length: 255 })
  actor: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType: AuditTargetType;

  @Column({ name: 'target_id', type: 'varchar', length: 255 })
  targetId: string;

  /** `json`, not `jsonb`: it keeps `from` before `to` as written. */
  @Column({ type: 'json' })
  changes: AuditChanges;

  @Column({ name: 'request_id', type: 'varchar', length: 68, nullable: true })
  requestId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
