import { toIsoSeconds } from '../../common/http/timestamps.js';
import type { OrganizationMembership } from '../entities/organization-membership.entity.js';
import type { MemberResponse } from './dto/member.response.js';

/** The wire form of a membership; a pending invitation is known by its own id. */
export function toMemberResponse(membership: OrganizationMembership): MemberResponse {
  return {
    user_id: membership.userId ?? membership.id,
    email: membership.email,
    name: membership.name,
    role: membership.role,
    status: membership.status,
    invitation_expires_at: membership.invitationExpiresAt
      ? toIsoSeconds(membership.invitationExpiresAt)
      : null,
    created_at: toIsoSeconds(membership.createdAt),
    updated_at: toIsoSeconds(membership.updatedAt),
  };
}
