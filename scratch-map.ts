import { createSqliteDatabase } from './src/db/dialects/sqlite';
import { createDatasetCellMapper } from './src/releases/dataset-cells';
import { bundledDatasetSpecs } from './src/releases/dataset-registry';
const database = createSqliteDatabase('file:' + process.argv[2]!);
const rows = await database.db.selectFrom('counters').selectAll().where('period', '=', '2026-W48').limit(300000).execute();
for (const spec of bundledDatasetSpecs()) {
  const m = createDatasetCellMapper(spec); const into: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    let s = performance.now(); let n = 0;
    for (const r of rows) if (m.matches(r as any)) n++;
    const tm = performance.now() - s; s = performance.now(); let c = 0;
    for (const r of rows) { into.length = 0; m.cellIndexes(r as any, into); c += into.length; }
    if (rep === 2) console.log(spec.id, 'matches', tm.toFixed(0), 'cells', (performance.now() - s).toFixed(0), n, c);
  }
}
