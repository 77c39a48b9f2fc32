/**
 * data.parquet: the package's tidy rows as an Apache Parquet file, for researchers who load releases
 * into DuckDB, pandas or Arrow rather than parsing CSV. The columns and their types come from the
 * package's declared Table Schema, so a field added to the schema reaches the Parquet file too.
 *
 * Frictionless types map to Parquet as: string -> UTF8 byte array, integer -> INT64, number -> DOUBLE,
 * boolean -> BOOLEAN; anything else is written as its string form. A field marked required is a
 * REQUIRED column; the others are OPTIONAL, an absent value (or an empty one in a non-string field)
 * being null, which is what an empty CSV cell means for those types.
 *
 * hyparquet-writer is pure JavaScript (no WebAssembly, no Node APIs in its browser entry), so the
 * same code writes the file on Node and on Cloudflare Workers. Its output depends only on its input:
 * the same rows give the same bytes, which the deterministic release unit relies on.
 */
import type { BasicType, ColumnSource } from 'hyparquet-writer';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** The part of a Table Schema field the Parquet writer needs. */
export interface TableField {
  name: string;
  type: string;
  constraints?: { required?: boolean; [other: string]: unknown };
}

export type ParquetCell = string | number | boolean | null | undefined;

const PARQUET_TYPES: Record<string, BasicType> = {
  string: 'STRING',
  integer: 'INT64',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
};

function columnValue(field: TableField, value: ParquetCell): string | number | bigint | boolean | null {
  if (value === undefined || value === null) return null;
  switch (field.type) {
    case 'string':
      return String(value);
    case 'integer':
      if (value === '') return null;
      // INT64 columns take bigint; BigInt() also refuses a non-integer rather than rounding it.
      return BigInt(value);
    case 'number':
      if (value === '') return null;
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      if (value === '') return null;
      return typeof value === 'boolean' ? value : value === 'true';
    default:
      return String(value);
  }
}

/** The Parquet bytes of `rows`, one column per schema field, in the schema's order. */
export function parquetOf(fields: readonly TableField[], rows: readonly Record<string, ParquetCell>[], createdBy: string): Uint8Array {
  const columnData: ColumnSource[] = fields.map((field) => {
    const data = rows.map((row) => columnValue(field, row[field.name]));
    const required = field.constraints?.required === true;
    if (required && data.includes(null)) throw new Error(`the required field ${field.name} has a missing value`);
    return { name: field.name, data, type: PARQUET_TYPES[field.type] ?? 'STRING', nullable: !required };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy }));
}
