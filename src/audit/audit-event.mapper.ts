import { toIsoSeconds } from '../common/http/timestamps.js';
import type { AuditEventResponse } from './dto/audit-event.response.js';
import type { AuditEvent } from './audit-event.entity.js';

/** The wire form of an audit entry. */
export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    event_id: event.eventId,
    action: event.action,
    actor: event.actor,
    target: { type: event.targetType, id: event.targetId },
    changes: Object.entries(event.changes).map(([field, change]) => ({
      field,
      from: change.from,
      to: change.to,
    })),
    request_id: event.requestId,
    created_at: toIsoSeconds(event.createdAt),
  };
}
