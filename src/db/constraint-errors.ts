/** Recognises unique-constraint violations across SQLite, D1 and PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === '23505') return true;
  if (typeof code === 'string' && (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE')) return true;
  return /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(error.message);
}
