import {
  DeviceKind,
  OfficerRole,
  TargetCategory,
  type Cell,
  type Device,
  type Enterprise,
  type Officer,
  type Target,
  type Township,
} from '@ecogrid/proto/registry/v1/entities';
import { ImportKind, OnDutySource, RegistryServiceService, type LocateCellResponse, type RegistryServiceServer } from '@ecogrid/proto/registry/v1/registry';
import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import { unaryHandler, withSharedResponseEncoding, type GrpcServiceBinding } from '@ecogrid/grpc';
import type { Logger } from '@ecogrid/telemetry';
import type { DeleteEntity, FindNearby, ImportFile, ImportKind as AppImportKind, LocateCell, LocatedCell, RegistryRepository, UpsertEntity } from '../../app';

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

function toLocateCellResponse(located: LocatedCell): LocateCellResponse {
  return {
    cell: located.cell,
    township: located.township,
    onDutyOfficer: located.onDutyOfficer,
    onDutySource:
      located.onDutySource === 'roster_shift'
        ? OnDutySource.ON_DUTY_SOURCE_ROSTER_SHIFT
        : located.onDutySource === 'responsible_officer'
          ? OnDutySource.ON_DUTY_SOURCE_RESPONSIBLE_OFFICER
          : OnDutySource.ON_DUTY_SOURCE_UNSPECIFIED,
    supervisor: located.supervisor,
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

  const implementation: RegistryServiceServer = {
    locateCell: unary('LocateCell', async (request) => {
      const point = required(request.point, 'point');
      const located = await deps.locateCell(point.lon, point.lat, request.at);
      if (!located) throw notFound('cell at', `[${point.lon}, ${point.lat}]`);
      return locateResponse(located);
    }),

    getTownship: unary('GetTownship', async (request) => ({ township: found(await registry.getTownship(request.code), 'township', request.code) })),
    listTownships: unary('ListTownships', async (request) => {
      const result = await registry.listTownships(page(request));
      return { townships: result.items, nextPageToken: result.nextPageToken };
    }),
    upsertTownship: unary('UpsertTownship', async (request) => ({ township: await deps.upsert.township(required<Township>(request.township, 'township')) })),

    getCell: unary('GetCell', async (request) => found(await registry.getCell(request.id), 'cell', request.id)),
    listCells: unary('ListCells', async (request) => {
      const result = await registry.listCells({ townshipCode: request.townshipCode, ...(request.bbox ? { bbox: request.bbox } : {}) }, page(request));
      return { cells: result.items, nextPageToken: result.nextPageToken };
    }),
    upsertCell: unary('UpsertCell', async (request) => ({ cell: await deps.upsert.cell(required<Cell>(request.cell, 'cell')) })),
    deleteCell: unary('DeleteCell', async (request) => {
      await deps.deleteEntity('cell', request.id);
      return {};
    }),
    listCellVersions: unary('ListCellVersions', async (request) => {
      const versions = await registry.cellVersions(request.id);
      if (versions.length === 0) throw notFound('cell', request.id);
      return { versions };
    }),

    getOfficer: unary('GetOfficer', async (request) => ({ officer: found(await registry.getOfficer(request.id), 'officer', request.id) })),
    listOfficers: unary('ListOfficers', async (request) => {
      const result = await registry.listOfficers(
        { townshipCode: request.townshipCode, cellId: request.cellId, ...(request.role === OfficerRole.OFFICER_ROLE_UNSPECIFIED ? {} : { role: request.role }) },
        page(request),
      );
      return { officers: result.items, nextPageToken: result.nextPageToken };
    }),
    upsertOfficer: unary('UpsertOfficer', async (request) => ({ officer: await deps.upsert.officer(required<Officer>(request.officer, 'officer')) })),
    deleteOfficer: unary('DeleteOfficer', async (request) => {
      await deps.deleteEntity('officer', request.id);
      return {};
    }),

    getDevice: unary('GetDevice', async (request) => ({ device: found(await registry.getDevice(request.mn), 'device', request.mn) })),
    listDevices: unary('ListDevices', async (request) => {
      const result = await registry.listDevices(
        {
          townshipCode: request.townshipCode,
          enterpriseUscc: request.enterpriseUscc,
          ...(request.kind === DeviceKind.DEVICE_KIND_UNSPECIFIED ? {} : { kind: request.kind }),
          ...(request.bbox ? { bbox: request.bbox } : {}),
        },
        page(request),
      );
      return { devices: result.items, nextPageToken: result.nextPageToken };
    }),
    upsertDevice: unary('UpsertDevice', async (request) => ({ device: await deps.upsert.device(required<Device>(request.device, 'device')) })),
    deleteDevice: unary('DeleteDevice', async (request) => {
      await deps.deleteEntity('device', request.mn);
      return {};
    }),

    getEnterprise: unary('GetEnterprise', async (request) => ({ enterprise: found(await registry.getEnterprise(request.uscc), 'enterprise', request.uscc) })),
    listEnterprises: unary('ListEnterprises', async (request) => {
      const result = await registry.listEnterprises(
        { townshipCode: request.townshipCode, industry: request.industry, keyDischargeUnitsOnly: request.keyDischargeUnitsOnly, ...(request.bbox ? { bbox: request.bbox } : {}) },
        page(request),
      );
      return { enterprises: result.items, nextPageToken: result.nextPageToken };
    }),
    upsertEnterprise: unary('UpsertEnterprise', async (request) => ({ enterprise: await deps.upsert.enterprise(required<Enterprise>(request.enterprise, 'enterprise')) })),
    deleteEnterprise: unary('DeleteEnterprise', async (request) => {
      await deps.deleteEntity('enterprise', request.uscc);
      return {};
    }),

    getTarget: unary('GetTarget', async (request) => ({ target: found(await registry.getTarget(request.id), 'target', request.id) })),
    listTargets: unary('ListTargets', async (request) => {
      const result = await registry.listTargets(
        {
          townshipCode: request.townshipCode,
          kinds: request.kinds,
          ...(request.category === TargetCategory.TARGET_CATEGORY_UNSPECIFIED ? {} : { category: request.category }),
          ...(request.bbox ? { bbox: request.bbox } : {}),
        },
        page(request),
      );
      return { targets: result.items, nextPageToken: result.nextPageToken };
    }),
    upsertTarget: unary('UpsertTarget', async (request) => ({ target: await deps.upsert.target(required<Target>(request.target, 'target')) })),
    deleteTarget: unary('DeleteTarget', async (request) => {
      await deps.deleteEntity('target', request.id);
      return {};
    }),

    nearbySensitiveTargets: unary('NearbySensitiveTargets', async (request) => ({ targets: await deps.findNearby(TargetCategory.TARGET_CATEGORY_SENSITIVE, request) })),
    nearbyRiskSources: unary('NearbyRiskSources', async (request) => ({ targets: await deps.findNearby(TargetCategory.TARGET_CATEGORY_RISK_SOURCE, request) })),
    nearbyEmergencyResources: unary('NearbyEmergencyResources', async (request) => ({
      targets: await deps.findNearby(TargetCategory.TARGET_CATEGORY_EMERGENCY_RESOURCE, request),
    })),

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
