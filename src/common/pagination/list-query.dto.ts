import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../validation/field-rules.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const MAX_CURSOR_LENGTH = 200;
/** A cursor as `encodeCursor` writes it: base64url without padding. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';

/** Decimal digits only: `Number()` would also read "0x10", "1e1", " 5" and "" as numbers. */
const DIGITS = /^-?[0-9]+$/;

/** `limit` and `cursor` of every list; subclasses add their filters. Unknown parameters: 400. */
export class ListQueryDto {
  @ApiPropertyOptional({
    description: 'Items per page.',
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
  })
  @Max(MAX_PAGE_SIZE, { message: `limit must be at most ${MAX_PAGE_SIZE}` })
  @Min(1, { message: 'limit must be at least 1' })
  @IsInt({ message: 'limit must be a whole number' })
  @IsOptionalNotNull()
  @Transform(({ value }) =>
    typeof value === 'string' && DIGITS.test(value) ? Number(value) : value,
  )
  limit?: number;

  @ApiPropertyOptional({
    description: 'Opaque position from the previous page (`pagination.cursor`).',
    maxLength: MAX_CURSOR_LENGTH,
    pattern: CURSOR_PATTERN,
  })
  @MaxLength(MAX_CURSOR_LENGTH, { message: 'cursor is not one this service issued' })
  @IsString({ message: 'cursor must be a string' })
  @IsOptionalNotNull()
  cursor?: string;
}
