import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MembershipStatus, OrganizationRole } from '../organization-role.enum.js';

/**
 * A person's place in an organization: their role and whether it is in force. The partial
 * unique indexes allow one membership per user and organization and exactly one owner.
 */
@Entity({ name: 'organization_memberships' })
@Index('uq_memberships_org_user', ['orgId', 'userId'], {
  unique: true,
  where: 'user_id IS NOT NULL',
})
@Index('uq_memberships_one_owner', ['orgId'], { unique: true, where: `role = 'owner'` })
@Index('ix_memberships_user', ['userId', 'orgId'])
export class OrganizationMembership {
  /** `mbr_...` for a membership made directly, `inv_...` for one that began as an invitation. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'org_id', type: 'varchar', length: 32 })
  orgId: string;

  /** The token `sub` of the member; empty while an invitation is pending. */
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 24 })
  role: OrganizationRole;

  @Column({ type: 'varchar', length: 16 })
  status: MembershipStatus;

  @Column({ name: 'invitation_expires_at', type: 'timestamptz', nullable: true })
  invitationExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
