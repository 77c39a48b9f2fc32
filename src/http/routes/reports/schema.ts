/** Wire shapes shared by the report routes. */
import { z } from '@hono/zod-openapi';
import { AppError } from '../../../errors';
import { reportWindow, type ReportWindow } from '../../../reports/report-window';
import { ReportFormatQuery } from '../../report-response';

/** A day (`2026-11-01`, midnight UTC) or an instant with offset. */
export const InstantQuery = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .optional();

export const ReportWindowQuery = z.object({
  from: InstantQuery.openapi({ description: 'Inclusive start (date or date-time); default: the beginning.', example: '2026-01-01' }),
  to: InstantQuery.openapi({ description: 'Exclusive end (date or date-time); default: up to now.', example: '2027-01-01' }),
  format: ReportFormatQuery,
});

export function windowFromQuery(query: { from?: string | undefined; to?: string | undefined }): ReportWindow {
  const window = reportWindow(query);
  if (window.from !== null && window.to !== null && window.from >= window.to) {
    throw new AppError('invalid-request', '`from` must be earlier than `to`.', { errors: [{ path: 'from', message: 'must be earlier than to' }] });
  }
  return window;
}

export const WindowSchema = z.object({ from: z.string().nullable(), to: z.string().nullable() });

export const reportEnvelope = <Row extends z.ZodType>(name: string, row: Row, extra: z.ZodRawShape = {}) =>
  z
    .object({
      report: z.literal(name),
      generatedAt: z.string(),
      columns: z.array(z.string()).openapi({ description: 'The row keys, in CSV column order.' }),
      rows: z.array(row),
      ...extra,
    })
    .openapi(`${name.replace(/(^|-)(\w)/g, (_match, _dash, char: string) => char.toUpperCase())}Report`);
