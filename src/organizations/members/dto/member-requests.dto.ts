import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsIn, IsString, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../../common/pagination/list-query.dto.js';
import { USER_ID_SCHEMA } from '../../../common/swagger/schema-docs.js';
import {
  HasCharacterCount,
  HasNoControlCharacters,
  IsReadableText,
  IsOptionalNotNull,
  NO_CONTROL_CHARACTERS_PATTERN,
  Trim,
} from '../../../common/validation/field-rules.js';
import { NAME_NOT_READABLE } from '../../dto/organization-field-rules.js';
import { MembershipStatus, OrganizationRole } from '../../organization-role.enum.js';

/** Every role but owner: ownership moves only by transfer. */
export const ASSIGNABLE_ROLES = Object.values(OrganizationRole).filter(
  (role) => role !== OrganizationRole.Owner,
);
const ROLE_MESSAGE =
  `role must be one of ${ASSIGNABLE_ROLES.join(', ')} ` + '(ownership moves only by transfer)';

export class InviteMemberDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ana@acme.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @IsString({ message: 'email must be a string' })
  @IsDefined({ message: 'email is required' })
  @Trim()
  email: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    pattern: NO_CONTROL_CHARACTERS_PATTERN,
    example: 'Ana Lima',
  })
  @IsReadableText({ message: NAME_NOT_READABLE })
  @HasNoControlCharacters({ message: 'name must not contain control characters' })
  @HasCharacterCount(1, 100, { message: 'name must be 1 to 100 characters' })
  @IsString({ message: 'name must be a string' })
  @IsOptionalNotNull()
  @Trim()
  name?: string;

  @ApiProperty({ enum: ASSIGNABLE_ROLES, example: OrganizationRole.Analyst })
  @IsIn(ASSIGNABLE_ROLES, { message: ROLE_MESSAGE })
  @IsDefined({ message: 'role is required' })
  role: OrganizationRole;
}

const ALL_ROLES = Object.values(OrganizationRole);

export class ChangeRoleDto {
  @ApiProperty({
    enum: OrganizationRole,
    enumName: 'OrganizationRole',
    description: '`owner` is refused with 409: ownership moves only by transfer.',
    example: OrganizationRole.Developer,
  })
  @IsIn(ALL_ROLES, { message: `role must be one of ${ALL_ROLES.join(', ')}` })
  @IsDefined({ message: 'role is required' })
  role: OrganizationRole;
}

export class TransferOwnershipDto {
  @ApiProperty({
    description: 'The user id of an active member.',
    ...USER_ID_SCHEMA,
    example: 'usr_2x8k4m',
  })
  @MaxLength(255, { message: 'user_id must be at most 255 characters' })
  @IsString({ message: 'user_id must be a string' })
  @IsDefined({ message: 'user_id is required' })
  user_id: string;
}

export class ListMembersQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: OrganizationRole, enumName: 'OrganizationRole' })
  @IsIn(Object.values(OrganizationRole), {
    message: `role must be one of ${Object.values(OrganizationRole).join(', ')}`,
  })
  @IsOptionalNotNull()
  role?: OrganizationRole;

  @ApiPropertyOptional({ enum: MembershipStatus, enumName: 'MembershipStatus' })
  @IsIn(Object.values(MembershipStatus), {
    message: `status must be one of ${Object.values(MembershipStatus).join(', ')}`,
  })
  @IsOptionalNotNull()
  status?: MembershipStatus;
}
