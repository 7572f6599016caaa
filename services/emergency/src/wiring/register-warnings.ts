import { warningGrpcService } from '../adapters/grpc/warning-grpc-service';
import { WARNING_ACCESS } from '../adapters/grpc/warning-access';
import type { EmergencyContext, EmergencyPart } from './emergency-part';

/**
 * Heavy-pollution weather warnings: the reduction list, warnings issued or raised from the AQI triggers, the
 * obligations they activate, compliance from the outlets' readings, and the episode evaluation.
 */
export function registerWarnings(context: EmergencyContext): EmergencyPart {
  return {
    name: 'warnings',
    grpcServices: [warningGrpcService(context.logger)],
    access: WARNING_ACCESS,
    consumers: [],
  };
}
