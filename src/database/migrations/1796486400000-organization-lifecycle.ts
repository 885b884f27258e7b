import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the lifecycle needs: why and when an organization was suspended or cancelled, the
 * checkout it waits for, the newest Stripe event applied to it, the Stripe events already
 * processed (each at most once) and the attempts of provisioning.
 */
export class OrganizationLifecycle1796486400000 implements MigrationInterface {
  name = 'OrganizationLifecycle1796486400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE organizations
        ADD COLUMN suspension_kind varchar(16),
        ADD COLUMN suspension_reason varchar(500),
        ADD COLUMN cancelled_at timestamptz,
        ADD COLUMN pending_checkout_session_id varchar(255),
        ADD COLUMN pending_tier varchar(16),
        ADD COLUMN last_stripe_event_at timestamptz,
        ADD CONSTRAINT ck_organizations_suspension_kind
          CHECK (suspension_kind IN ('billing', 'policy')),
        ADD CONSTRAINT ck_organizations_suspended_has_kind
          CHECK ((status = 'suspended') = (suspension_kind IS NOT NULL)),
        ADD CONSTRAINT ck_organizations_cancelled_has_time
          CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
        ADD CONSTRAINT ck_organizations_pending_tier
          CHECK (pending_tier IN ('cloud', 'growth', 'enterprise'))
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_organizations_stripe_subscription
         ON organizations (stripe_subscription_id) WHERE stripe_subscription_id IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE stripe_webhook_events (
        event_id varchar(255) PRIMARY KEY,
        event_type varchar(255) NOT NULL,
        org_id varchar(32),
        outcome varchar(16) NOT NULL,
        event_created_at timestamptz NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_stripe_webhook_events_outcome CHECK (outcome IN ('applied', 'ignored'))
      )
    `);

    await queryRunner.query(`
      CREATE TABLE provisioning_attempts (
        id varchar(32) PRIMARY KEY,
        org_id varchar(32) NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
        tier varchar(16) NOT NULL,
        attempt integer NOT NULL,
        outcome varchar(16) NOT NULL,
        error varchar(500),
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        CONSTRAINT ck_provisioning_attempts_outcome CHECK (outcome IN ('succeeded', 'failed')),
        CONSTRAINT ck_provisioning_attempts_attempt CHECK (attempt >= 1)
      )
    `);
    await queryRunner.query(
      `CREATE INDEX ix_provisioning_attempts_org
         ON provisioning_attempts (org_id, started_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE provisioning_attempts`);
    await queryRunner.query(`DROP TABLE stripe_webhook_events`);
    await queryRunner.query(`DROP INDEX uq_organizations_stripe_subscription`);
    await queryRunner.query(`
      ALTER TABLE organizations
        DROP CONSTRAINT ck_organizations_pending_tier,
        DROP CONSTRAINT ck_organizations_cancelled_has_time,
        DROP CONSTRAINT ck_organizations_suspended_has_kind,
        DROP CONSTRAINT ck_organizations_suspension_kind,
        DROP COLUMN last_stripe_event_at,
        DROP COLUMN pending_tier,
        DROP COLUMN pending_checkout_session_id,
        DROP COLUMN cancelled_at,
        DROP COLUMN suspension_reason,
        DROP COLUMN suspension_kind
    `);
  }
}
