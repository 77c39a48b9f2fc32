import { createSqliteDatabase } from './src/db/dialects/sqlite';
import { readPeriodContributions, type DatasetReader } from './src/releases/period-contributions';
import { createDatasetCellMapper } from './src/releases/dataset-cells';
import { bundledDatasetSpecs } from './src/releases/dataset-registry';
const database = createSqliteDatabase('file:' + process.argv[2]!);
const specs = bundledDatasetSpecs();
for (const n of [0, 1, 4, 4]) {
  const readers: DatasetReader[] = specs.slice(0, n).map((spec) => ({ mapper: createDatasetCellMapper(spec), byteUnitBytes: 1e6, rows: [] }));
  const s = performance.now();
  const rows = await readPeriodContributions(database.db, '2026-W48', readers);
  console.log(n, rows, (performance.now() - s).toFixed(0) + 'ms', readers.map((r) => r.rows.length));
}
// raw kysely page time
let s = performance.now();
const page = await database.db.selectFrom('counters').selectAll().where('period', '=', '2026-W48').orderBy('contributor').orderBy('cell_key').limit(50000).execute();
console.log('kysely page selectAll', page.length, (performance.now() - s).toFixed(0));
