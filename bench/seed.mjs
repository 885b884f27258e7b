// Seeds a benchmark database through SQL. Organization ids follow the service's format
// (`org_` + 16 base32 characters), derived from md5 so every run seeds the same rows.
export const BENCH_USER = 'usr_bench';
export const BENCH_USER_ORGANIZATIONS = 500;

export const SCALES = {
  default: { organizations: 10_000, membersPerOrganization: 5 },
  large: { organizations: 1_000_000, membersPerOrganization: 3 },
};

const ORG_ID = (i) => `'org_' || translate(substr(md5('org' || ${i}), 1, 16), '0189', 'wxyz')`;

export async function seed(client, scale) {
  const { organizations, membersPerOrganization } = SCALES[scale];
  await client.query(`
    INSERT INTO organizations (org_id, name, slug, billing_email, cloud_region, tier, status,
      monthly_credit_limit, max_concurrent_queries, storage_limit_gb, created_at, updated_at)
    SELECT ${ORG_ID('i')}, 'Bench Org ' || i, 'bench-org-' || i, 'billing' || i || '@bench.test',
      'us-east-1', 'free', 'active', 1000, 10, 10,
      now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval
      FROM generate_series(1, ${organizations}) AS i`);
  // The owner, then members; the benchmark user is an admin of the first organizations.
  await client.query(`
    INSERT INTO organization_memberships (id, org_id, user_id, email, role, status, created_at,
      updated_at)
    SELECT 'mbr_' || translate(substr(md5('mbr' || i || '-' || k), 1, 16), '0189', 'wxyz'),
      ${ORG_ID('i')},
      CASE
        WHEN k = 0 THEN 'usr_owner_' || i
        WHEN k = 1 AND i <= ${BENCH_USER_ORGANIZATIONS} THEN '${BENCH_USER}'
        ELSE 'usr_member_' || ((i * 7 + k * 13) % 20000) || '_' || k
      END,
      NULL,
      CASE WHEN k = 0 THEN 'owner' WHEN k = 1 THEN 'admin' ELSE 'developer' END,
      'active', now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval
      FROM generate_series(1, ${organizations}) AS i,
           generate_series(0, ${membersPerOrganization - 1}) AS k`);
  await client.query('ANALYZE organizations');
  await client.query('ANALYZE organization_memberships');
  const { rows } = await client.query(
    `SELECT org_id FROM organization_memberships WHERE user_id = $1 ORDER BY org_id`,
    [BENCH_USER],
  );

  return rows.map((row) => row.org_id);
}
