import { parseCellsGeoJson, checkCells, type ParsedFile } from '../domain/cells-file';
import { parseDevicesCsv, checkDevices } from '../domain/devices-file';
import { parseDistrictGeoJson } from '../domain/district-file';
import { parseEnterprisesCsv, checkEnterprises } from '../domain/enterprises-file';
import { createPlacer, type CellShape, type ImportContext } from '../domain/import-context';
import { isBlocking, type ImportProblem, type Located } from '../domain/import-problem';
import { parseOfficersCsv, checkOfficers } from '../domain/officers-file';
import { parseTargetsCsv, checkTargets } from '../domain/targets-file';
import { parseTownshipsCsv } from '../domain/townships-file';
import type { RegistryRepository, RegistryWriter, WriteCounts } from './ports';

export const IMPORT_KINDS = ['district', 'townships', 'cells', 'officers', 'enterprises', 'devices', 'targets'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportOutcome extends WriteCounts {
  applied: boolean;
  records: number;
  problems: ImportProblem[];
}

interface KindHandler {
  parse(content: Buffer): ParsedFile<unknown>;
  check(records: Array<Located<unknown>>, context: ImportContext): ImportProblem[];
  put(writer: RegistryWriter, records: Array<Located<unknown>>, context: ImportContext): Promise<WriteCounts>;
}

const handler = <T>(parse: (content: Buffer) => ParsedFile<T>, check: (records: Array<Located<T>>, context: ImportContext) => ImportProblem[], put: (writer: RegistryWriter, records: T[], context: ImportContext) => Promise<WriteCounts>): KindHandler => ({
  parse,
  check: check as KindHandler['check'],
  put: (writer, records, context) => put(writer, records.map((entry) => entry.record as T), context),
});

const none = (): ImportProblem[] => [];

const HANDLERS: Record<ImportKind, KindHandler> = {
  district: handler(parseDistrictGeoJson, none, async (writer, [record]) => (record ? writer.putDistrict(record.district, record.boundary) : { created: 0, updated: 0, unchanged: 0 })),
  townships: handler(parseTownshipsCsv, none, (writer, records) => writer.putTownships(records)),
  cells: handler(parseCellsGeoJson, checkCells, async (writer, records, context) => {
    const written = await writer.putCells(records.map((record) => record.cell));
    if (written.created + written.updated > 0) {
      // Devices, enterprises and targets follow the grid: re-place them in the cells as they now are.
      const replaced = new Set(records.map((record) => record.cell.id));
      const cells: CellShape[] = [
        ...context.cells.filter((cell) => !replaced.has(cell.id)),
        ...records.map((record) => ({ id: record.cell.id, townshipCode: record.cell.townshipCode, polygons: record.polygons })),
      ];
      await writer.relocate(createPlacer(cells));
    }
    return written;
  }),
  officers: handler(parseOfficersCsv, checkOfficers, (writer, records) => writer.putOfficers(records)),
  enterprises: handler(parseEnterprisesCsv, checkEnterprises, (writer, records) => writer.putEnterprises(records)),
  devices: handler(parseDevicesCsv, checkDevices, (writer, records) => writer.putDevices(records)),
  targets: handler(parseTargetsCsv, checkTargets, (writer, records) => writer.putTargets(records)),
};

/**
 * Imports one file all-or-nothing. Every problem is reported (by CSV line or GeoJSON feature), from reading
 * the file and from checking it against what is stored; any blocking problem writes nothing. Checking and
 * writing happen in one transaction under the registry's write lock. Records identical to what is stored
 * are counted as unchanged and publish nothing, so importing the same file again is harmless.
 */
export function createImportFile(deps: { registry: RegistryRepository }) {
  return async function importFile(kind: ImportKind, content: Buffer, options: { dryRun?: boolean } = {}): Promise<ImportOutcome> {
    const kindHandler = HANDLERS[kind];
    const parsed = kindHandler.parse(content);
    return deps.registry.write(async (writer) => {
      const context = await writer.loadContext();
      const problems = [...parsed.problems, ...kindHandler.check(parsed.records, context)].sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
      const records = parsed.records.length + new Set(parsed.problems.filter(isBlocking).map((problem) => problem.line)).size;
      if (problems.some(isBlocking) || options.dryRun) return { applied: false, records, problems, created: 0, updated: 0, unchanged: 0 };
      const written = await kindHandler.put(writer, parsed.records, context);
      return { applied: true, records, problems, ...written };
    });
  };
}

export type ImportFile = ReturnType<typeof createImportFile>;
