import type { ParsedFile } from './cells-file';
import { readCsv, RowReader } from './csv-rows';
import { byName } from './codes';
import { OFFICER_ROLES, type DutyShift, type Officer } from './entities';
import type { ImportContext } from './import-context';
import type { ImportProblem, Located } from './import-problem';

const ROLES = byName(OFFICER_ROLES);

/**
 * Officers CSV: `id,name,role,township_code,cell_ids,contact,active,roster`.
 * `cell_ids` separated by `;`; `roster` is `;`-separated shifts `CELL@START/END` in ISO 8601
 * (e.g. `C0001@2026-11-29T08:00:00+08:00/2026-11-29T20:00:00+08:00`).
 */
export function parseOfficersCsv(content: Buffer | string): ParsedFile<Officer> {
  const csv = readCsv(content, ['id', 'name', 'role', 'township_code']);
  if (!csv.ok) return { records: [], problems: csv.problems };
  const problems: ImportProblem[] = [];
  const records: Array<Located<Officer>> = [];
  const seen = new Map<string, number>();
  for (const row of csv.rows) {
    const id = row.values.id ?? '';
    const reader = new RowReader(row, id || undefined);
    reader.text('id', { required: true, max: 64 });
    if (id && seen.has(id)) reader.fail('id', 'duplicate_id', `officer ${id} is also on line ${seen.get(id)}`);
    seen.set(id, row.line);
    const roster: DutyShift[] = [];
    for (const entry of splitList(reader.text('roster'))) {
      const match = /^([^@]+)@([^/]+)\/(.+)$/.exec(entry);
      const startsAt = match ? new Date(match[2] as string) : undefined;
      const endsAt = match ? new Date(match[3] as string) : undefined;
      if (!match || !startsAt || !endsAt || Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) {
        reader.fail('roster', 'invalid_field', `"${entry}" is not CELL@START/END with ISO 8601 times`);
      } else if (endsAt <= startsAt) reader.fail('roster', 'invalid_field', `the shift "${entry}" ends before it starts`);
      else roster.push({ cellId: match[1] as string, startsAt, endsAt });
    }
    const name = reader.text('name', { required: true, max: 64 });
    const role = reader.oneOf('role', ROLES, { required: true });
    const townshipCode = reader.text('township_code');
    const cellIds = splitList(reader.text('cell_ids'));
    const contact = reader.text('contact', { max: 128 });
    const active = reader.boolean('active', true);
    problems.push(...reader.problems);
    if (reader.problems.length === 0 && role) records.push({ line: row.line, record: { id, name, role, townshipCode, cellIds, contact, active, roster } });
  }
  return { records, problems };
}

export function splitList(value: string): string[] {
  return value
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Officers against what is stored: their township, cells and roster cells exist; grid officers need a township. */
export function checkOfficers(records: Array<Located<Officer>>, context: ImportContext): ImportProblem[] {
  const cells = new Set(context.cells.map((cell) => cell.id));
  const problems: ImportProblem[] = [];
  for (const { line, record } of records) {
    const base = { line, recordId: record.id };
    if (record.townshipCode && !context.townships.has(record.townshipCode)) {
      problems.push({ ...base, field: 'township_code', code: 'unknown_township', message: `township ${record.townshipCode} is not registered` });
    }
    if (!record.townshipCode && record.role !== 'command_center') {
      problems.push({ ...base, field: 'township_code', code: 'missing_field', message: 'grid officers and supervisors belong to a township' });
    }
    for (const cellId of record.cellIds) {
      if (!cells.has(cellId)) problems.push({ ...base, field: 'cell_ids', code: 'unknown_cell', message: `cell ${cellId} is not registered` });
    }
    for (const shift of record.roster) {
      if (!cells.has(shift.cellId)) problems.push({ ...base, field: 'roster', code: 'unknown_cell', message: `roster cell ${shift.cellId} is not registered` });
    }
  }
  return problems;
}
