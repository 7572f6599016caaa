/** A JSON value of a shared record's field. */
export type FieldValue = string | number | boolean | null | string[];

/**
 * One record of a dataset as sharing stores it: the scope attributes a grant is checked against, and the fields a
 * grant projects. `seq` orders every record of every dataset; it is the pull cursor and the SSE event id.
 */
export interface SharedRecord {
  seq: number;
  dataset: string;
  /** The natural key within the dataset (alert id, case id, `<mn>:<factor>`), stable across updates. */
  key: string;
  occurredAt: Date;
  township: string | null;
  enterprise: string | null;
  factor: string | null;
  lon: number | null;
  lat: number | null;
  fields: Record<string, FieldValue>;
}
