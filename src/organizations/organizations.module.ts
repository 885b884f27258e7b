import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationMembership } from './entities/organization-membership.entity.js';
import { Organization } from './entities/organization.entity.js';
import { MembersController } from './members/members.controller.js';
import { MembersService } from './members/members.service.js';
import { OrganizationRoleGuard } from './organization-role.guard.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsService } from './organizations.service.js';

/**
 * Organizations and memberships: the HTTP API and the service behind it. The host provides
 * TypeORM (with this module's entities and migrations) and authentication.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Organization, OrganizationMembership])],
  controllers: [OrganizationsController, MembersController],
  providers: [OrganizationsService, MembersService, OrganizationRoleGuard],
  exports: [OrganizationsService, MembersService, OrganizationRoleGuard],
})
export class OrganizationsModule {}
