import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation/field-rules.js';
import { CloudRegion } from '../organization-catalog.js';
import {
  BillingEmailField,
  CloudRegionField,
  NameField,
  SlugField,
} from './organization-field-rules.js';
import { OrganizationSettingsDto } from './organization-settings.dto.js';

/** The body of `POST /v1/organizations`. Any key not listed here is refused with 400. */
export class CreateOrganizationDto {
  @NameField({ required: true })
  name: string;

  @SlugField({ required: true })
  slug: string;

  @BillingEmailField({ required: true })
  billing_email: string;

  @CloudRegionField({})
  cloud_region?: CloudRegion;

  @ApiProperty({
    description: 'Organization-level settings; keys left out take their defaults.',
    type: () => OrganizationSettingsDto,
    required: false,
  })
  @ValidateNested()
  @IsObject({ message: 'settings must be an object' })
  @IsOptionalNotNull()
  @Type(() => OrganizationSettingsDto)
  settings?: OrganizationSettingsDto;
}
