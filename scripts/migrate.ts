/**
 * Applies pending migrations to the configured database (DATABASE_URL) and exits. The server also
 * migrates on start; this is for deploy pipelines that migrate before rolling out new processes.
 *   npm run migrate
 */
import { parseEnvironment } from '../src/config';
import { migrateToLatest } from '../src/db/migrations';
import { openDatabase } from '../src/node/node-deps';

const env = parseEnvironment(process.env);
const database = openDatabase(env);
try {
  await migrateToLatest(database.db, database.schema);
  console.log(`migrations are current (${database.dialect})`);
} finally {
  await database.close();
}
