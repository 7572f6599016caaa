import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { OfficerRole } from '@ecogrid/proto/registry/v1/entities';
import { RegistryServiceClient, type GetOfficerResponse } from '@ecogrid/proto/registry/v1/registry';

export interface RegisteredOfficer {
  id: string;
  role: 'grid_officer' | 'supervisor' | 'command_center' | 'unknown';
  townshipCode: string;
  active: boolean;
}

const ROLE: Record<OfficerRole, RegisteredOfficer['role']> = {
  [OfficerRole.OFFICER_ROLE_GRID_OFFICER]: 'grid_officer',
  [OfficerRole.OFFICER_ROLE_SUPERVISOR]: 'supervisor',
  [OfficerRole.OFFICER_ROLE_COMMAND_CENTER]: 'command_center',
  [OfficerRole.OFFICER_ROLE_UNSPECIFIED]: 'unknown',
  [OfficerRole.UNRECOGNIZED]: 'unknown',
};

/**
 * Asks the registry's gRPC API (GetOfficer) who an officer is: the registry is the one source of officers, and its
 * API answers at once, where the registry topics would have to be read from the beginning. Undefined when the
 * registry does not know the id.
 */
export async function lookUpOfficer(options: { address: string; token: () => Promise<string>; officerId: string }): Promise<RegisteredOfficer | undefined> {
  const client = createGrpcClient(RegistryServiceClient, options.address, { deadlineMs: 5_000, bearerToken: options.token });
  try {
    const { officer } = await new Promise<GetOfficerResponse>((resolve, reject) => {
      client.getOfficer({ id: options.officerId }, (error, response) => (error ? reject(error) : resolve(response)));
    });
    if (!officer) return undefined;
    return { id: officer.id, role: ROLE[officer.role] ?? 'unknown', townshipCode: officer.townshipCode, active: officer.active };
  } catch (error) {
    if ((error as ServiceError).code === grpcStatus.NOT_FOUND) return undefined;
    if ((error as ServiceError).code === grpcStatus.UNAVAILABLE || (error as ServiceError).code === grpcStatus.DEADLINE_EXCEEDED) {
      throw new Error(`the registry at ${options.address} did not answer (is it running? set REGISTRY_GRPC_ADDRESS); an officer id is checked there before a token is minted`, { cause: error });
    }
    throw new Error(`the registry refused to look up officer ${options.officerId}: ${(error as ServiceError).details ?? (error as Error).message}`, { cause: error });
  } finally {
    client.close();
  }
}
