/**
 * D1 runs the same schema as Node: migrations/*.sql must be exactly what
 * scripts/generate-d1-migrations.ts compiles from src/db/migrations.ts. If this fails, run
 * `npm run d1:migrations` and commit the result (never edit the SQL by hand).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteDatabase } from '../../src/db/dialects/sqlite';
import { migrateToLatest } from '../../src/db/migrations';
import { compileD1Migrations, D1_MIGRATIONS_DIR, diffD1Migrations } from '../../scripts/generate-d1-migrations';

/** Tables and views, columns, keys, indexes and foreign keys of an SQLite file, without migrator bookkeeping. */
function describeSchema(file: string) {
  const sqlite = new SqliteDatabase(file, { readonly: true });
  try {
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'kysely_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    return Object.fromEntries(
      tables.map((table) => [
        table,
        {
          columns: sqlite.prepare('SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid').all(table),
          indexes: sqlite.prepare('SELECT name, "unique", origin FROM pragma_index_list(?) ORDER BY name').all(table),
          foreignKeys: sqlite.prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id').all(table),
        },
      ]),
    );
  } finally {
    sqlite.close();
  }
}

describe('D1 migrations', () => {
  it('the committed SQL matches what the Kysely migrations compile to', async () => {
    const files = await compileD1Migrations();
    expect(files.length).toBeGreaterThan(0);
    expect(diffD1Migrations(D1_MIGRATIONS_DIR, files)).toEqual([]);
  });

  it('the SQL builds the same tables, columns, keys and indexes as the Kysely migrator does on SQLite', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'd1-migrations-'));
    try {
      const fromSqlFile = join(folder, 'from-sql.sqlite');
      const fromSql = new SqliteDatabase(fromSqlFile);
      for (const file of await compileD1Migrations()) fromSql.exec(file.sql);
      fromSql.close();

      const fromMigratorFile = join(folder, 'from-migrator.sqlite');
      const migrated = createSqliteDatabase(`file:${fromMigratorFile}`);
      await migrateToLatest(migrated.db);
      await migrated.close();

      const expected = describeSchema(fromMigratorFile);
      expect(Object.keys(expected)).toEqual(expect.arrayContaining(['counters', 'coded_counters', 'counter_values', 'replay_guards', 'ingest_tallies', 'audit_log']));
      expect(describeSchema(fromSqlFile)).toEqual(expected);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
