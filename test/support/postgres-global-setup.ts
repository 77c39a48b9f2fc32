/**
 * PostgreSQL test schemas are dropped once, when the whole run ends, never while other test files
 * run: Kysely's migrator lists tables across every schema, and a schema dropped in the middle of
 * that listing makes another file's migration fail. Each run names its schemas after its own
 * process id; schemas left behind by runs whose process is gone are removed at start.
 */
import pg from 'pg';

const SCHEMA_PATTERN = /^t_(\d+)_/;

async function dropSchemas(url: string, shouldDrop: (runPid: number) => boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'`);
    for (const { nspname } of rows) {
      const runPid = Number(SCHEMA_PATTERN.exec(nspname)?.[1]);
      if (Number.isFinite(runPid) && shouldDrop(runPid)) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function setup(): Promise<() => Promise<void>> {
  process.env.TEST_RUN_ID = String(process.pid);
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) return async () => {};
  await dropSchemas(url, (runPid) => !isAlive(runPid));
  return () => dropSchemas(url, (runPid) => runPid === process.pid);
}
