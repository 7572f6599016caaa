import { notFound } from '@ecogrid/domain-errors';
import { checkCells } from '../domain/cells-file';
import { checkDevices } from '../domain/devices-file';
import { checkEnterprises } from '../domain/enterprises-file';
import type { Cell, Device, Enterprise, Officer, Target, Township } from '../domain/entities';
import { createPlacer } from '../domain/import-context';
import { checkOfficers } from '../domain/officers-file';
import {
  checkCellRecord,
  checkDeviceRecord,
  checkEnterpriseRecord,
  checkOfficerRecord,
  checkTargetRecord,
  checkTownshipRecord,
} from '../domain/record-rules';
import { checkTargets } from '../domain/targets-file';
import type { RegistryRepository } from './ports';
import { throwIfBlocking } from './problems-to-error';

/**
 * Upserts of single records through the API: the record rules, then the same checks against what is stored
 * as an import of one line, then the same write. Answers with the record as stored (derived fields filled).
 */
export function createUpsertEntity(deps: { registry: RegistryRepository }) {
  const { registry } = deps;
  const stored = <T>(value: T | undefined, what: string, id: string): T => {
    if (value === undefined) throw notFound(what, id);
    return value;
  };
  return {
    township: async (township: Township): Promise<Township> => {
      throwIfBlocking(checkTownshipRecord(township));
      await registry.write((writer) => writer.putTownships([township]));
      return stored(await registry.getTownship(township.code), 'township', township.code);
    },
    cell: async (cell: Cell): Promise<Cell> => {
      const { problems, polygons } = checkCellRecord(cell);
      throwIfBlocking(problems);
      await registry.write(async (writer) => {
        const context = await writer.loadContext();
        throwIfBlocking(checkCells([{ line: 0, record: { cell, polygons } }], context));
        const written = await writer.putCells([cell]);
        if (written.unchanged === 0) {
          await writer.relocate(createPlacer([...context.cells.filter((other) => other.id !== cell.id), { id: cell.id, townshipCode: cell.townshipCode, polygons }]));
        }
      });
      return stored(await registry.getCell(cell.id), 'cell', cell.id).cell;
    },
    officer: async (officer: Officer): Promise<Officer> => {
      throwIfBlocking(checkOfficerRecord(officer));
      await registry.write(async (writer) => {
        throwIfBlocking(checkOfficers([{ line: 0, record: officer }], await writer.loadContext()));
        await writer.putOfficers([officer]);
      });
      return stored(await registry.getOfficer(officer.id), 'officer', officer.id);
    },
    device: async (device: Device): Promise<Device> => {
      throwIfBlocking(checkDeviceRecord(device));
      await registry.write(async (writer) => {
        throwIfBlocking(checkDevices([{ line: 0, record: device }], await writer.loadContext()));
        await writer.putDevices([device]);
      });
      return stored(await registry.getDevice(device.mn), 'device', device.mn);
    },
    enterprise: async (enterprise: Enterprise): Promise<Enterprise> => {
      enterprise.uscc = enterprise.uscc.trim().toUpperCase();
      throwIfBlocking(checkEnterpriseRecord(enterprise));
      await registry.write(async (writer) => {
        throwIfBlocking(checkEnterprises([{ line: 0, record: enterprise }], await writer.loadContext()));
        await writer.putEnterprises([enterprise]);
      });
      return stored(await registry.getEnterprise(enterprise.uscc), 'enterprise', enterprise.uscc);
    },
    target: async (target: Target): Promise<Target> => {
      throwIfBlocking(checkTargetRecord(target));
      await registry.write(async (writer) => {
        throwIfBlocking(checkTargets([{ line: 0, record: target }], await writer.loadContext()));
        await writer.putTargets([target]);
      });
      return stored(await registry.getTarget(target.id), 'target', target.id);
    },
  };
}

export type UpsertEntity = ReturnType<typeof createUpsertEntity>;
