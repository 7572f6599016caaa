import { parse } from 'csv-parse/sync';
import type { ImportProblem } from './import-problem';

export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

export type CsvResult = { ok: true; rows: CsvRow[] } | { ok: false; problems: ImportProblem[] };

/**
 * Reads UTF-8 CSV with a header line, with or without a BOM (Excel writes one for zh-CN). Values are trimmed;
 * empty lines are skipped; each row keeps the line it ends on. Required columns must all be in the header.
 */
export function readCsv(content: Buffer | string, requiredColumns: readonly string[]): CsvResult {
  const text = typeof content === 'string' ? content : decodeUtf8(content);
  if (text === undefined) return { ok: false, problems: [{ line: 0, field: '', code: 'bad_encoding', message: 'the file is not valid UTF-8' }] };
  if (text.replace(/^\uFEFF/, '').trim() === '') return { ok: false, problems: [{ line: 0, field: '', code: 'empty_file', message: 'the file is empty' }] };
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    parsed = parse(text, { bom: true, columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()), info: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { ok: false, problems: [{ line, field: '', code: 'bad_csv', message: (error as Error).message }] };
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]?.split(',').map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase()) ?? [];
  const missing = requiredColumns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    return { ok: false, problems: missing.map((column) => ({ line: 1, field: column, code: 'missing_column' as const, message: `the header has no ${column} column` })) };
  }
  return { ok: true, rows: parsed.map(({ record, info }) => ({ line: info.lines, values: record })) };
}

function decodeUtf8(buffer: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return undefined;
  }
}

/** Reads typed fields of one row, collecting a problem per bad field instead of stopping at the first. */
export class RowReader {
  readonly problems: ImportProblem[] = [];

  constructor(
    private readonly row: CsvRow,
    private readonly recordId?: string,
  ) {}

  private problem(field: string, code: ImportProblem['code'], message: string): void {
    this.problems.push({ line: this.row.line, field, code, message, ...(this.recordId ? { recordId: this.recordId } : {}) });
  }

  text(field: string, options: { required?: boolean; max?: number } = {}): string {
    const value = this.row.values[field] ?? '';
    if (options.required && value === '') this.problem(field, 'missing_field', `${field} is required`);
    if (options.max !== undefined && value.length > options.max) this.problem(field, 'invalid_field', `${field} is longer than ${options.max} characters`);
    return value;
  }

  number(field: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const raw = this.row.values[field] ?? '';
    if (raw === '') {
      if (options.required) this.problem(field, 'missing_field', `${field} is required`);
      return undefined;
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      this.problem(field, 'invalid_field', `${field} must be a number, not "${raw}"`);
      return undefined;
    }
    if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
      this.problem(field, 'invalid_field', `${field} must be between ${options.min} and ${options.max}`);
      return undefined;
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const raw = (this.row.values[field] ?? '').toLowerCase();
    if (raw === '') return fallback;
    if (['true', 'yes', '1', 'y', '是'].includes(raw)) return true;
    if (['false', 'no', '0', 'n', '否'].includes(raw)) return false;
    this.problem(field, 'invalid_field', `${field} must be true or false, not "${raw}"`);
    return fallback;
  }

  oneOf<T>(field: string, mapping: Readonly<Record<string, T>>, options: { required?: boolean } = {}): T | undefined {
    const raw = (this.row.values[field] ?? '').toLowerCase();
    if (raw === '') {
      if (options.required) this.problem(field, 'missing_field', `${field} is required`);
      return undefined;
    }
    if (!(raw in mapping)) {
      this.problem(field, 'invalid_field', `${field} must be one of ${Object.keys(mapping).join(', ')}, not "${raw}"`);
      return undefined;
    }
    return mapping[raw];
  }

  fail(field: string, code: ImportProblem['code'], message: string): void {
    this.problem(field, code, message);
  }

  get line(): number {
    return this.row.line;
  }
}
