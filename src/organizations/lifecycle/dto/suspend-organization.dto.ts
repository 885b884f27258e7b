import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';
import {
  HasCharacterCount,
  HasNoControlCharacters,
  NO_CONTROL_CHARACTERS_PATTERN,
  Trim,
} from '../../../common/validation/field-rules.js';

export class SuspendOrganizationDto {
  @ApiProperty({
    description: 'Why: the policy the organization violated. Kept for operators.',
    minLength: 1,
    maxLength: 500,
    pattern: NO_CONTROL_CHARACTERS_PATTERN,
    example: 'Abuse report 4411: crypto mining on shared compute',
  })
  @HasNoControlCharacters({ message: 'reason must not contain control characters' })
  @HasCharacterCount(1, 500, { message: 'reason must be 1 to 500 characters' })
  @IsString({ message: 'reason must be a string' })
  @IsDefined({ message: 'reason is required' })
  @Trim()
  reason: string;
}
