import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';

/**
 * Builds an entity from a raw row (column names as in the database), applying the same type
 * conversions and transformers TypeORM applies when it loads an entity. Used for the rows of
 * `RETURNING *`, which TypeORM hands back raw.
 */
export function hydrateEntity<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = dataSource.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.databaseName in row) {
      column.setEntityValue(
        entity,
        dataSource.driver.prepareHydratedValue(row[column.databaseName], column),
      );
    }
  }

  return entity;
}
