import type { ParsedFile } from './cells-file';
import { readCsv, RowReader } from './csv-rows';
import { byName } from './codes';
import { TOWNSHIP_KINDS, type Township } from './entities';
import type { ImportProblem, Located } from './import-problem';

const KINDS = byName(TOWNSHIP_KINDS);

/** Townships CSV: `code,name,kind,district_code` (kind: township 乡, town 镇, subdistrict 街道). */
export function parseTownshipsCsv(content: Buffer | string): ParsedFile<Township> {
  const csv = readCsv(content, ['code', 'name', 'kind']);
  if (!csv.ok) return { records: [], problems: csv.problems };
  const problems: ImportProblem[] = [];
  const records: Array<Located<Township>> = [];
  const seen = new Map<string, number>();
  for (const row of csv.rows) {
    const code = row.values.code ?? '';
    const reader = new RowReader(row, code || undefined);
    reader.text('code', { required: true, max: 32 });
    if (code && !/^[A-Za-z0-9_-]+$/.test(code)) reader.fail('code', 'invalid_field', 'a code is letters, digits, _ or -');
    if (code && seen.has(code)) reader.fail('code', 'duplicate_id', `township ${code} is also on line ${seen.get(code)}`);
    seen.set(code, row.line);
    const township: Township = {
      code,
      name: reader.text('name', { required: true, max: 64 }),
      kind: reader.oneOf('kind', KINDS, { required: true }) ?? '',
      supervisorOfficerId: '',
      districtCode: reader.text('district_code'),
    };
    problems.push(...reader.problems);
    if (reader.problems.length === 0) records.push({ line: row.line, record: township });
  }
  return { records, problems };
}
