import { WarningServiceService } from '@ecogrid/proto/emergency/v1/warnings';
import { unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import { DomainError } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';

const notYet = (): Promise<never> => Promise.reject(new DomainError('FAILED_PRECONDITION', '重污染天气预警功能尚未启用 (warnings are not available yet)', { reason: 'not_available' }));

/** WarningService over the warning use cases. */
export function warningGrpcService(logger: Logger): GrpcServiceBinding {
  const log = logger.child({ module: 'grpc-warnings' });
  return {
    definition: WarningServiceService,
    name: 'ecogrid.emergency.v1.WarningService',
    implementation: Object.fromEntries(Object.entries(WarningServiceService).map(([key, definition]) => [key, unaryHandler(definition.path.split('/').pop() ?? key, log, notYet)])),
  };
}
