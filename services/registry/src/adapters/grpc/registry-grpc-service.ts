import type { BoundingBox as WireBoundingBox, TargetKind as WireTargetKind } from '@ecogrid/proto/registry/v1/entities';
import {
  ImportKind,
  OnDutySource,
  RegistryServiceService,
  type LocateCellResponse,
  type NearbySensitiveTargetsRequest as NearbyTargetsRequest,
  type RegistryServiceServer,
  type TargetDistance,
} from '@ecogrid/proto/registry/v1/registry';
import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import { unaryHandler, withSharedResponseEncoding, type GrpcServiceBinding } from '@ecogrid/grpc';
import type { Logger } from '@ecogrid/telemetry';
import type { BoundingBox, DeleteEntity, FindNearby, ImportFile, ImportKind as AppImportKind, LocateCell, LocatedCell, RegistryRepository, UpsertEntity } from '../../app';
import type { TargetCategory as DomainTargetCategory, TargetKind } from '../../domain/entities';
import {
  cellFromWire,
  cellToWire,
  deviceFromWire,
  deviceKinds,
  deviceToWireForReaders,
  enterpriseFromWire,
  enterpriseToWire,
  officerFromWire,
  officerRoles,
  officerToWire,
  targetCategories,
  targetFromWire,
  targetKinds,
  targetToWire,
  townshipFromWire,
  townshipToWire,
} from '../wire/registry-wire';

export interface RegistryGrpcDeps {
  registry: RegistryRepository;
  locateCell: LocateCell;
  upsert: UpsertEntity;
  deleteEntity: DeleteEntity;
  findNearby: FindNearby;
  importFile: ImportFile;
  logger: Logger;
}

const IMPORT_KINDS: Partial<Record<ImportKind, AppImportKind>> = {
  [ImportKind.IMPORT_KIND_CELLS_GEOJSON]: 'cells',
  [ImportKind.IMPORT_KIND_DEVICES_CSV]: 'devices',
  [ImportKind.IMPORT_KIND_ENTERPRISES_CSV]: 'enterprises',
  [ImportKind.IMPORT_KIND_OFFICERS_CSV]: 'officers',
  [ImportKind.IMPORT_KIND_TARGETS_CSV]: 'targets',
  [ImportKind.IMPORT_KIND_TOWNSHIPS_CSV]: 'townships',
  [ImportKind.IMPORT_KIND_DISTRICT_GEOJSON]: 'district',
};

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw invalidArgument(field, `${field} is required`, 'missing_field');
  return value;
}

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw notFound(what, id);
  return value;
}

/** A filter's enumeration: none for the wire's zero, else its domain value; an unknown number is bad input. */
function filterValue<W extends number, D>(value: W, decode: (value: W) => D | undefined, field: string): D | undefined {
  if (value === 0) return undefined;
  const decoded = decode(value);
  if (decoded === undefined) throw invalidArgument(field, `${field} ${value} is not known`);
  return decoded;
}

const targetKindsOf = (kinds: WireTargetKind[]): TargetKind[] =>
  kinds.map((kind, index) => {
    const decoded = targetKinds.fromWire(kind);
    if (decoded === undefined) throw invalidArgument(`kinds[${index}]`, `kind ${kind} is not a kind of target`);
    return decoded;
  });

const bboxOf = (bbox: WireBoundingBox | undefined): { bbox?: BoundingBox } => (bbox ? { bbox: { minLon: bbox.minLon, minLat: bbox.minLat, maxLon: bbox.maxLon, maxLat: bbox.maxLat } } : {});

function toLocateCellResponse(located: LocatedCell): LocateCellResponse {
  return {
    cell: cellToWire(located.cell),
    township: townshipToWire(located.township),
    onDutyOfficer: located.onDutyOfficer && officerToWire(located.onDutyOfficer),
    onDutySource:
      located.onDutySource === 'roster_shift'
        ? OnDutySource.ON_DUTY_SOURCE_ROSTER_SHIFT
        : located.onDutySource === 'responsible_officer'
          ? OnDutySource.ON_DUTY_SOURCE_RESPONSIBLE_OFFICER
          : OnDutySource.ON_DUTY_SOURCE_UNSPECIFIED,
    supervisor: located.supervisor && officerToWire(located.supervisor),
  };
}

const page = (request: { pageSize: number; pageToken: string }) => {
  if (request.pageSize < 0) throw invalidArgument('page_size', 'page_size must not be negative');
  return { pageSize: request.pageSize, pageToken: request.pageToken };
};

/** ecogrid.registry.v1.RegistryService over the use cases; errors map through the domain error codes. */
export function createRegistryGrpcService(deps: RegistryGrpcDeps): GrpcServiceBinding {
  const { registry, logger } = deps;
  const unary = <Req, Res>(method: string, handle: (request: Req) => Promise<Res>) => unaryHandler<Req, Res>(method, logger, (request) => handle(request));

  // One response object per answer of the view (locateCell answers the same object for the same cell, shift and
  // supervisor), so its encoded bytes are reused too (withSharedResponseEncoding below): responses are never mutated.
  const locateResponses = new WeakMap<LocatedCell, LocateCellResponse>();
  const locateResponse = (located: LocatedCell): LocateCellResponse => {
    let response = locateResponses.get(located);
    if (!response) {
      response = toLocateCellResponse(located);
      locateResponses.set(located, response);
    }
    return response;
  };

  const nearby = async (category: DomainTargetCategory, request: NearbyTargetsRequest): Promise<{ targets: TargetDistance[] }> => {
    const found = await deps.findNearby(category, {
      point: request.point,
      geometryGeojson: request.geometryGeojson,
      radiusM: request.radiusM,
      kinds: targetKindsOf(request.kinds),
      limit: request.limit,
    });
    return { targets: found.map((entry) => ({ target: targetToWire(entry.target), distanceM: entry.distanceM })) };
  };

  const implementation: RegistryServiceServer = {
    locateCell: unary('LocateCell', async (request) => {
      const point = required(request.point, 'point');
      const located = await deps.locateCell(point.lon, point.lat, request.at);
      if (!located) throw notFound('cell at', `[${point.lon}, ${point.lat}]`);
      return locateResponse(located);
    }),

    getTownship: unary('GetTownship', async (request) => ({ township: townshipToWire(found(await registry.getTownship(request.code), 'township', request.code)) })),
    listTownships: unary('ListTownships', async (request) => {
      const result = await registry.listTownships(page(request));
      return { townships: result.items.map(townshipToWire), nextPageToken: result.nextPageToken };
    }),
    upsertTownship: unary('UpsertTownship', async (request) => ({ township: townshipToWire(await deps.upsert.township(townshipFromWire(required(request.township, 'township')))) })),

    getCell: unary('GetCell', async (request) => {
      const { cell, township } = found(await registry.getCell(request.id), 'cell', request.id);
      return { cell: cellToWire(cell), township: townshipToWire(township) };
    }),
    listCells: unary('ListCells', async (request) => {
      const result = await registry.listCells({ townshipCode: request.townshipCode, ...bboxOf(request.bbox) }, page(request));
      return { cells: result.items.map(cellToWire), nextPageToken: result.nextPageToken };
    }),
    upsertCell: unary('UpsertCell', async (request) => ({ cell: cellToWire(await deps.upsert.cell(cellFromWire(required(request.cell, 'cell')))) })),
    deleteCell: unary('DeleteCell', async (request) => {
      await deps.deleteEntity('cell', request.id);
      return {};
    }),
    listCellVersions: unary('ListCellVersions', async (request) => {
      const versions = await registry.cellVersions(request.id);
      if (versions.length === 0) throw notFound('cell', request.id);
      return { versions: versions.map(cellToWire) };
    }),

    getOfficer: unary('GetOfficer', async (request) => ({ officer: officerToWire(found(await registry.getOfficer(request.id), 'officer', request.id)) })),
    listOfficers: unary('ListOfficers', async (request) => {
      const role = filterValue(request.role, officerRoles.fromWire, 'role');
      const result = await registry.listOfficers({ townshipCode: request.townshipCode, cellId: request.cellId, ...(role ? { role } : {}) }, page(request));
      return { officers: result.items.map(officerToWire), nextPageToken: result.nextPageToken };
    }),
    upsertOfficer: unary('UpsertOfficer', async (request) => ({ officer: officerToWire(await deps.upsert.officer(officerFromWire(required(request.officer, 'officer')))) })),
    deleteOfficer: unary('DeleteOfficer', async (request) => {
      await deps.deleteEntity('officer', request.id);
      return {};
    }),

    getDevice: unary('GetDevice', async (request) => ({ device: deviceToWireForReaders(found(await registry.getDevice(request.mn), 'device', request.mn)) })),
    listDevices: unary('ListDevices', async (request) => {
      const kind = filterValue(request.kind, deviceKinds.fromWire, 'kind');
      const result = await registry.listDevices(
        { townshipCode: request.townshipCode, enterpriseUscc: request.enterpriseUscc, ...(kind ? { kind } : {}), ...bboxOf(request.bbox) },
        page(request),
      );
      return { devices: result.items.map(deviceToWireForReaders), nextPageToken: result.nextPageToken };
    }),
    upsertDevice: unary('UpsertDevice', async (request) => ({ device: deviceToWireForReaders(await deps.upsert.device(deviceFromWire(required(request.device, 'device')))) })),
    deleteDevice: unary('DeleteDevice', async (request) => {
      await deps.deleteEntity('device', request.mn);
      return {};
    }),

    getEnterprise: unary('GetEnterprise', async (request) => ({ enterprise: enterpriseToWire(found(await registry.getEnterprise(request.uscc), 'enterprise', request.uscc)) })),
    listEnterprises: unary('ListEnterprises', async (request) => {
      const result = await registry.listEnterprises(
        { townshipCode: request.townshipCode, industry: request.industry, keyDischargeUnitsOnly: request.keyDischargeUnitsOnly, ...bboxOf(request.bbox) },
        page(request),
      );
      return { enterprises: result.items.map(enterpriseToWire), nextPageToken: result.nextPageToken };
    }),
    upsertEnterprise: unary('UpsertEnterprise', async (request) => ({
      enterprise: enterpriseToWire(await deps.upsert.enterprise(enterpriseFromWire(required(request.enterprise, 'enterprise')))),
    })),
    deleteEnterprise: unary('DeleteEnterprise', async (request) => {
      await deps.deleteEntity('enterprise', request.uscc);
      return {};
    }),

    getTarget: unary('GetTarget', async (request) => ({ target: targetToWire(found(await registry.getTarget(request.id), 'target', request.id)) })),
    listTargets: unary('ListTargets', async (request) => {
      const category = filterValue(request.category, targetCategories.fromWire, 'category');
      const result = await registry.listTargets(
        { townshipCode: request.townshipCode, kinds: targetKindsOf(request.kinds), ...(category ? { category } : {}), ...bboxOf(request.bbox) },
        page(request),
      );
      return { targets: result.items.map(targetToWire), nextPageToken: result.nextPageToken };
    }),
    upsertTarget: unary('UpsertTarget', async (request) => ({ target: targetToWire(await deps.upsert.target(targetFromWire(required(request.target, 'target')))) })),
    deleteTarget: unary('DeleteTarget', async (request) => {
      await deps.deleteEntity('target', request.id);
      return {};
    }),

    nearbySensitiveTargets: unary('NearbySensitiveTargets', (request) => nearby('sensitive', request)),
    nearbyRiskSources: unary('NearbyRiskSources', (request) => nearby('risk_source', request)),
    nearbyEmergencyResources: unary('NearbyEmergencyResources', (request) => nearby('emergency_resource', request)),

    import: unary('Import', async (request) => {
      const kind = IMPORT_KINDS[request.kind];
      if (!kind) throw invalidArgument('kind', 'kind is required');
      if (request.content.length === 0) throw invalidArgument('content', 'content is empty', 'empty_file');
      const outcome = await deps.importFile(kind, request.content, { dryRun: request.dryRun });
      return {
        applied: outcome.applied,
        records: outcome.records,
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        problems: outcome.problems.map((problem) => ({
          line: problem.line,
          field: problem.field,
          code: problem.code,
          message: problem.message,
          recordId: problem.recordId ?? '',
          warning: problem.warning === true,
        })),
      };
    }),
  };

  return { definition: withSharedResponseEncoding(RegistryServiceService, ['locateCell']), implementation, name: 'ecogrid.registry.v1.RegistryService' };
}
