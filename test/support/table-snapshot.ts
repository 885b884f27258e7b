import type { DataSource } from 'typeorm';

/**
 * Every row of every table of the service (migration bookkeeping aside), in a stable order:
 * two snapshots are equal exactly when nothing stored changed in between.
 */
export async function snapshotTables(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const tables: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
        AND table_name NOT IN ('migrations', 'typeorm_metadata')
      ORDER BY table_name`,
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const { table_name: table } of tables) {
    const rows: Record<string, unknown>[] = await dataSource.query(
      `SELECT * FROM "${table}" AS row_of_table`,
    );
    snapshot[table] = rows
      .map((row) => JSON.stringify(row, Object.keys(row).sort()))
      .sort()
      .map((row) => JSON.parse(row));
  }

  return snapshot;
}
