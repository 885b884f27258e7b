import { ApiProperty } from '@nestjs/swagger';
import {
  ApiPagination,
  PAGE_DATA_MAX_ITEMS,
  TIMESTAMP_SCHEMA,
  USER_ID_SCHEMA,
} from '../../../common/swagger/schema-docs.js';
import { MembershipStatus, OrganizationRole } from '../../organization-role.enum.js';

/** A member or a pending invitation of an organization. */
export class MemberResponse {
  @ApiProperty({
    description:
      "The member's user id (the `sub` of their token). For a pending invitation, an " +
      '`inv_` id that stands for it until it is accepted.',
    ...USER_ID_SCHEMA,
    example: 'usr_2x8k4m',
    readOnly: true,
  })
  user_id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'email',
    maxLength: 254,
    example: 'ana@acme.com',
  })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 100, example: 'Ana Lima' })
  name: string | null;

  @ApiProperty({ enum: OrganizationRole, enumName: 'OrganizationRole', example: 'analyst' })
  role: OrganizationRole;

  @ApiProperty({ enum: MembershipStatus, enumName: 'MembershipStatus', example: 'active' })
  status: MembershipStatus;

  @ApiProperty({
    type: String,
    ...TIMESTAMP_SCHEMA,
    nullable: true,
    description: 'When a pending invitation lapses; null once active.',
    readOnly: true,
  })
  invitation_expires_at: string | null;

  @ApiProperty({ ...TIMESTAMP_SCHEMA, readOnly: true })
  created_at: string;

  @ApiProperty({ ...TIMESTAMP_SCHEMA, readOnly: true })
  updated_at: string;
}

export class MemberPageResponse {
  @ApiProperty({ type: () => [MemberResponse], maxItems: PAGE_DATA_MAX_ITEMS })
  data: MemberResponse[];

  @ApiPagination('Items matching the filters, over all pages')
  pagination: { cursor: string | null; has_more: boolean; total: number };
}

export class OwnershipTransferResponse {
  @ApiProperty({ type: () => MemberResponse, description: 'The new owner' })
  owner: MemberResponse;

  @ApiProperty({ type: () => MemberResponse, description: 'The previous owner, now an admin' })
  previous_owner: MemberResponse;
}
