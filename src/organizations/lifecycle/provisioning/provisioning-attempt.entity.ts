import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OrganizationTier } from '../../organization-catalog.js';

export enum ProvisioningOutcome {
  Succeeded = 'succeeded',
  Failed = 'failed',
}

/** One try at provisioning an organization's infrastructure, as the provisioner reported it. */
@Entity({ name: 'provisioning_attempts' })
export class ProvisioningAttempt {
  /** `prv_...` */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'org_id', type: 'varchar', length: 32 })
  orgId: string;

  @Column({ type: 'varchar', length: 16 })
  tier: OrganizationTier;

  /** 1 for the first try of a provisioning run, counting up with each retry. */
  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'varchar', length: 16 })
  outcome: ProvisioningOutcome;

  /** The provisioner's failure message, cut at 500 characters; null on success. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt: Date;
}
