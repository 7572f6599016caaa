/** A stable problem code, as the import report and gRPC `ecogrid-reason` carry it. */
export type ProblemCode =
  | 'empty_file'
  | 'bad_encoding'
  | 'bad_json'
  | 'bad_csv'
  | 'missing_column'
  | 'missing_field'
  | 'invalid_field'
  | 'bad_uscc'
  | 'bad_mn'
  | 'duplicate_id'
  | 'invalid_geometry'
  | 'self_intersection'
  | 'overlap'
  | 'gap'
  | 'unknown_township'
  | 'unknown_cell'
  | 'unknown_enterprise'
  | 'unknown_outlet'
  | 'outside_district'
  | 'no_district';

/** Problems that are conflicts with what is stored (FAILED_PRECONDITION), not bad input (INVALID_ARGUMENT). */
export const CONFLICT_CODES: ReadonlySet<ProblemCode> = new Set(['overlap', 'unknown_township', 'unknown_cell', 'unknown_enterprise', 'unknown_outlet', 'outside_district', 'no_district']);

export interface ImportProblem {
  /** CSV line (header = 1) or 1-based GeoJSON feature number; 0 for the file as a whole. */
  line: number;
  field: string;
  code: ProblemCode;
  message: string;
  recordId?: string;
  /** Warnings are reported but do not stop the import (gaps: land in a unit no cell covers). */
  warning?: boolean;
}

/** A record read from a file, with where it came from. */
export interface Located<T> {
  line: number;
  record: T;
}

export const isBlocking = (problem: ImportProblem): boolean => problem.warning !== true;
