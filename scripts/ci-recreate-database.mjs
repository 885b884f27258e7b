// Drops and creates one database on a PostgreSQL server, for CI's real-PostgreSQL pass.
//   node scripts/ci-recreate-database.mjs postgresql://postgres@127.0.0.1:5432/postgres NAME
import pg from 'pg';

const [serverUrl, name] = process.argv.slice(2);
if (!serverUrl || !/^[a-z_][a-z0-9_]{0,62}$/.test(name ?? '')) {
  console.error('usage: ci-recreate-database.mjs SERVER_URL DATABASE_NAME');
  process.exit(2);
}
const client = new pg.Client({ connectionString: serverUrl });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await client.query(`CREATE DATABASE ${name}`);
await client.end();
console.log(`database ${name} recreated`);
