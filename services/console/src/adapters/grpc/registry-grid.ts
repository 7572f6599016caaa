import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { deviceKindToJSON, targetCategoryToJSON, targetKindToJSON } from '@ecogrid/proto/registry/v1/entities';
import {
  ListCellsRequest,
  ListDevicesRequest,
  ListTargetsRequest,
  ListTownshipsRequest,
  LocateCellRequest,
  RegistryServiceClient,
  type ListCellsResponse,
  type ListDevicesResponse,
  type ListTargetsResponse,
  type ListTownshipsResponse,
  type LocateCellResponse,
} from '@ecogrid/proto/registry/v1/registry';
import type { GridRegistry } from '../../app/ports';
import type { CellShape, GeoJsonGeometry, Position } from '../../domain/grid-map';
import type { StaffUser } from '../../domain/staff-user';
import type { UserTokens } from '../auth/user-tokens';
import { upstreamError } from './upstream-error';

type Callback<Response> = (error: ServiceError | null, response: Response) => void;

const PAGE_SIZE = 1_000;

function parseGeometry(text: string): GeoJsonGeometry | undefined {
  try {
    const value = JSON.parse(text) as Partial<GeoJsonGeometry>;
    return typeof value.type === 'string' && value.coordinates !== undefined ? { type: value.type, coordinates: value.coordinates } : undefined;
  } catch {
    return undefined;
  }
}

/** The outer rings of a Polygon or MultiPolygon; anything else has none. */
function outerRings(geometry: GeoJsonGeometry | undefined): Position[][] {
  if (geometry?.type === 'Polygon') return [((geometry.coordinates as Position[][])[0] ?? [])];
  if (geometry?.type === 'MultiPolygon') return (geometry.coordinates as Position[][][]).map((polygon) => polygon[0] ?? []);
  return [];
}

const lower = (text: string, prefix: string): string => text.replace(prefix, '').toLowerCase();

/** The registry's gRPC API with the user's own token; lists are read page by page to the end. */
export function createRegistryGrid(options: { grpcAddress: string; tokens: UserTokens }): GridRegistry & { close(): void } {
  const client = createGrpcClient(RegistryServiceClient, options.grpcAddress, { deadlineMs: 15_000 });
  const call = async <Response>(user: StaffUser, invoke: (metadata: Metadata, callback: Callback<Response>) => unknown): Promise<Response> => {
    const metadata = await options.tokens.metadataFor(user);
    return new Promise<Response>((resolve, reject) => invoke(metadata, (error, response) => (error ? reject(upstreamError(error)) : resolve(response))));
  };
  const all = async <Item>(read: (pageToken: string) => Promise<{ items: Item[]; next: string }>): Promise<Item[]> => {
    const items: Item[] = [];
    let token = '';
    do {
      const page = await read(token);
      items.push(...page.items);
      token = page.next;
    } while (token);
    return items;
  };
  return {
    cells: async (user) => {
      const cells = await all(async (pageToken) => {
        const answer = await call<ListCellsResponse>(user, (metadata, callback) => client.listCells(ListCellsRequest.fromPartial({ pageSize: PAGE_SIZE, pageToken }), metadata, callback));
        return { items: answer.cells, next: answer.nextPageToken };
      });
      return cells.map((cell): CellShape => ({ id: cell.id, name: cell.name, townshipCode: cell.townshipCode, rings: outerRings(parseGeometry(cell.geometryGeojson)) }));
    },
    townshipNames: async (user) => {
      const townships = await all(async (pageToken) => {
        const answer = await call<ListTownshipsResponse>(user, (metadata, callback) => client.listTownships(ListTownshipsRequest.fromPartial({ pageSize: PAGE_SIZE, pageToken }), metadata, callback));
        return { items: answer.townships, next: answer.nextPageToken };
      });
      return new Map(townships.map((township) => [township.code, township.name]));
    },
    devices: async (user) => {
      const devices = await all(async (pageToken) => {
        const answer = await call<ListDevicesResponse>(user, (metadata, callback) => client.listDevices(ListDevicesRequest.fromPartial({ pageSize: PAGE_SIZE, pageToken }), metadata, callback));
        return { items: answer.devices, next: answer.nextPageToken };
      });
      return devices
        .filter((device) => device.location !== undefined)
        .map((device) => ({
          mn: device.mn,
          name: device.name,
          kind: lower(deviceKindToJSON(device.kind), 'DEVICE_KIND_'),
          lon: device.location?.lon ?? 0,
          lat: device.location?.lat ?? 0,
          cellId: device.cellId,
          townshipCode: device.townshipCode,
          enterpriseUscc: device.enterpriseUscc,
        }));
    },
    targets: async (user) => {
      const targets = await all(async (pageToken) => {
        const answer = await call<ListTargetsResponse>(user, (metadata, callback) => client.listTargets(ListTargetsRequest.fromPartial({ pageSize: PAGE_SIZE, pageToken }), metadata, callback));
        return { items: answer.targets, next: answer.nextPageToken };
      });
      return targets.flatMap((target) => {
        const geometry = parseGeometry(target.geometryGeojson);
        return geometry ? [{ id: target.id, name: target.name, kind: lower(targetKindToJSON(target.kind), 'TARGET_KIND_'), category: lower(targetCategoryToJSON(target.category), 'TARGET_CATEGORY_'), geometry }] : [];
      });
    },
    locate: async (user, lon, lat) => {
      const answer = await call<LocateCellResponse>(user, (metadata, callback) => client.locateCell(LocateCellRequest.fromPartial({ point: { lon, lat } }), metadata, callback));
      return {
        cellId: answer.cell?.id ?? '',
        cellName: answer.cell?.name ?? '',
        townshipCode: answer.township?.code ?? '',
        townshipName: answer.township?.name ?? '',
        onDutyOfficer: answer.onDutyOfficer ? { id: answer.onDutyOfficer.id, name: answer.onDutyOfficer.name } : null,
        supervisor: answer.supervisor ? { id: answer.supervisor.id, name: answer.supervisor.name } : null,
      };
    },
    close: () => client.close(),
  };
}
