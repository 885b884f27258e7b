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

const IMMUTABLE_NOTE =
  'Immutable: accepted only when equal to the stored value (then ignored); a different ' +
  'value is 400 with constraint `immutable`.';

/**
 * The body of `PUT /v1/organizations/{org_id}`: at least one of `name`, `billing_email` and
 * `settings`. Settings merge key by key; keys not sent keep their stored value.
 */
export class UpdateOrganizationDto {
  @NameField({ required: false, doc: { example: 'Acme Corporation' } })
  name?: string;

  @BillingEmailField({ required: false, doc: { example: 'finance@acme.com' } })
  billing_email?: string;

  @ApiProperty({
    description: 'Settings to change, key by key; keys left out keep their stored value.',
    type: () => OrganizationSettingsDto,
    required: false,
  })
  @ValidateNested()
  @IsObject({ message: 'settings must be an object' })
  @IsOptionalNotNull()
  @Type(() => OrganizationSettingsDto)
  settings?: OrganizationSettingsDto;

  @SlugField({ required: false, doc: { description: IMMUTABLE_NOTE } })
  slug?: string;

  @CloudRegionField({ doc: { description: IMMUTABLE_NOTE, default: undefined } })
  cloud_region?: CloudRegion;
}
