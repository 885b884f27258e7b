import { ApiProperty } from '@nestjs/swagger';
import { MembershipStatus, OrganizationRole } from '../../organization-role.enum.js';

const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$';

/** A member or a pending invitation of an organization. */
export class MemberResponse {
  @ApiProperty({
    description:
      "The member's user id (the `sub` of their token). For a pending invitation, an " +
      '`inv_` id that stands for it until it is accepted.',
    example: 'usr_2x8k4m',
    readOnly: true,
  })
  user_id: string;

  @ApiProperty({ type: String, nullable: true, format: 'email', example: 'ana@acme.com' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ana Lima' })
  name: string | null;

  @ApiProperty({ enum: OrganizationRole, enumName: 'OrganizationRole', example: 'analyst' })
  role: OrganizationRole;

  @ApiProperty({ enum: MembershipStatus, enumName: 'MembershipStatus', example: 'active' })
  status: MembershipStatus;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a pending invitation lapses; null once active.',
    readOnly: true,
  })
  invitation_expires_at: string | null;

  @ApiProperty({ format: 'date-time', pattern: TIMESTAMP_PATTERN, readOnly: true })
  created_at: string;

  @ApiProperty({ format: 'date-time', pattern: TIMESTAMP_PATTERN, readOnly: true })
  updated_at: string;
}

export class MemberPageResponse {
  @ApiProperty({ type: () => [MemberResponse] })
  data: MemberResponse[];

  @ApiProperty({
    type: 'object',
    properties: {
      cursor: { type: 'string', nullable: true, description: 'Pass as `cursor` for the next page' },
      has_more: { type: 'boolean' },
      total: { type: 'integer', description: 'Items matching the filters, over all pages' },
    },
    required: ['cursor', 'has_more', 'total'],
  })
  pagination: { cursor: string | null; has_more: boolean; total: number };
}

export class OwnershipTransferResponse {
  @ApiProperty({ type: () => MemberResponse, description: 'The new owner' })
  owner: MemberResponse;

  @ApiProperty({ type: () => MemberResponse, description: 'The previous owner, now an admin' })
  previous_owner: MemberResponse;
}
