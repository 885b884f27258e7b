import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateOrganizations1796313600000 implements MigrationInterface {
  name = 'CreateOrganizations1796313600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        org_id varchar(32) PRIMARY KEY,
        name varchar(100) NOT NULL,
        slug varchar(63) NOT NULL,
        billing_email varchar(254) NOT NULL,
        cloud_region varchar(32) NOT NULL,
        tier varchar(16) NOT NULL,
        status varchar(24) NOT NULL,
        stripe_customer_id varchar(255),
        stripe_subscription_id varchar(255),
        mfa_required boolean NOT NULL DEFAULT false,
        enforce_sso boolean NOT NULL DEFAULT false,
        sso_provider varchar(32),
        monthly_credit_limit integer NOT NULL,
        credits_used integer NOT NULL DEFAULT 0,
        max_concurrent_queries integer NOT NULL,
        storage_limit_gb integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_organizations_tier
          CHECK (tier IN ('free', 'cloud', 'growth', 'enterprise')),
        CONSTRAINT ck_organizations_status
          CHECK (status IN ('active', 'pending_payment', 'provisioning', 'suspended', 'cancelled')),
        CONSTRAINT ck_organizations_cloud_region
          CHECK (cloud_region IN ('us-east-1', 'eu-west-1', 'ap-southeast-1')),
        CONSTRAINT ck_organizations_sso_provider
          CHECK (sso_provider IN ('okta', 'azure_ad', 'google_workspace', 'onelogin', 'jumpcloud')),
        CONSTRAINT ck_organizations_enforce_sso_needs_provider
          CHECK (NOT enforce_sso OR sso_provider IS NOT NULL),
        CONSTRAINT ck_organizations_credits_used CHECK (credits_used >= 0)
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_organizations_slug ON organizations (lower(slug))`,
    );

    await queryRunner.query(`
      CREATE TABLE organization_memberships (
        id varchar(32) PRIMARY KEY,
        org_id varchar(32) NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
        user_id varchar(255),
        email varchar(254),
        name varchar(100),
        role varchar(24) NOT NULL,
        status varchar(16) NOT NULL,
        invitation_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_memberships_role CHECK (
          role IN ('owner', 'admin', 'developer', 'analyst', 'auditor', 'service_account')
        ),
        CONSTRAINT ck_memberships_status CHECK (status IN ('active', 'invited', 'suspended')),
        CONSTRAINT ck_memberships_identity CHECK (user_id IS NOT NULL OR email IS NOT NULL),
        CONSTRAINT ck_memberships_invitation CHECK (
          (status = 'invited') = (user_id IS NULL) AND
          (status = 'invited') = (invitation_expires_at IS NOT NULL)
        ),
        CONSTRAINT ck_memberships_owner_active CHECK (role <> 'owner' OR status = 'active')
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_memberships_org_user
         ON organization_memberships (org_id, user_id) WHERE user_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_memberships_one_owner
         ON organization_memberships (org_id) WHERE role = 'owner'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_memberships_pending_invitation
         ON organization_memberships (org_id, lower(email)) WHERE status = 'invited'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_memberships_user ON organization_memberships (user_id, org_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_memberships_org_created
         ON organization_memberships (org_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_organizations_created ON organizations (created_at DESC, org_id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE organization_memberships`);
    await queryRunner.query(`DROP TABLE organizations`);
  }
}
