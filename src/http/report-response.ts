/**
 * Tabular responses in JSON or CSV with the same columns. `?format=csv|json` wins; otherwise the
 * Accept header decides (`text/csv`), JSON by default. CSV downloads are named after the report and
 * the day they were generated.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { reportTableCsv, type ReportCell, type ReportTable } from '../reports/report-table';
import type { AppEnv } from './app-env';

export const ReportFormatQuery = z
  .enum(['json', 'csv'])
  .optional()
  .openapi({ description: 'Response format; overrides the Accept header (text/csv or application/json).' });

export function wantsCsv<E extends AppEnv>(c: Context<E>, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return accepts(c, { header: 'Accept', supports: ['application/json', 'text/csv'], default: 'application/json' }) === 'text/csv';
}

export function csvResponse<Row extends Record<string, ReportCell>, E extends AppEnv = AppEnv>(c: Context<E>, name: string, table: ReportTable<Row>): Response {
  const day = c.var.deps.clock.now().toISOString().slice(0, 10);
  return c.body(reportTableCsv(table), 200, {
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': `attachment; filename="${name}-${day}.csv"`,
    'cache-control': 'no-store',
    vary: 'Accept',
  });
}

/** The 200 response entry of a report route: the JSON schema and the CSV alternative. */
export function reportResponse<T extends z.ZodType>(schema: T, description: string) {
  return {
    description,
    content: {
      'application/json': { schema },
      'text/csv': { schema: z.string().openapi({ description: 'The same columns as the JSON `rows`, with a header row.' }) },
    },
  };
}
