import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Conditional updates, idempotent creates and the audit trail:
 *
 * - `organizations.version`, raised by a trigger on every UPDATE that changes the row, whoever
 *   issues it, so the entity tag built from it changes with every stored change.
 * - `audit_log`, append-only: triggers refuse UPDATE, DELETE and TRUNCATE.
 * - `idempotency_keys`, the first completed response per caller and key.
 */
export class AddChangeSafety1796400000000 implements MigrationInterface {
  name = 'AddChangeSafety1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE organizations ADD COLUMN version integer NOT NULL DEFAULT 1`,
    );
    await queryRunner.query(`
      CREATE FUNCTION organizations_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER organizations_version
        BEFORE UPDATE ON organizations
        FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
        EXECUTE FUNCTION organizations_next_version()
    `);

    await queryRunner.query(`
      CREATE TABLE audit_log (
        event_id varchar(32) PRIMARY KEY,
        org_id varchar(32) NOT NULL,
        action varchar(64) NOT NULL,
        actor varchar(255) NOT NULL,
        target_type varchar(32) NOT NULL,
        target_id varchar(255) NOT NULL,
        changes json NOT NULL,
        request_id varchar(68),
        created_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(
      `CREATE INDEX ix_audit_log_org_created
         ON audit_log (org_id, created_at DESC, event_id DESC)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log entries are never changed or removed'
          USING ERRCODE = 'insufficient_privilege';
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_append_only
        BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
    `);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate
        BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
    `);

    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        user_id varchar(255) NOT NULL,
        idempotency_key varchar(255) NOT NULL,
        fingerprint char(64) NOT NULL,
        claim_id varchar(32) NOT NULL,
        response_status smallint,
        response_body text,
        response_etag varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, idempotency_key)
      )
    `);
    await queryRunner.query(
      `CREATE INDEX ix_idempotency_keys_expires ON idempotency_keys (expires_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP FUNCTION audit_log_refuse_change()`);
    await queryRunner.query(`DROP TRIGGER organizations_version ON organizations`);
    await queryRunner.query(`DROP FUNCTION organizations_next_version()`);
    await queryRunner.query(`ALTER TABLE organizations DROP COLUMN version`);
  }
}
