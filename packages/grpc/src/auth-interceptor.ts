import { Metadata, ResponderBuilder, ServerInterceptingCall, ServerListenerBuilder, status, type ServerInterceptor } from '@grpc/grpc-js';
import { isDomainError } from '@ecogrid/domain-errors';
import { isStaffRole, type StaffPrincipal, type StaffRole, type TokenVerifier } from '@ecogrid/staff-auth';
import type { Logger } from '@ecogrid/telemetry';

/** Who may call a method: staff in these roles, anyone (health), or devices with their own credentials, checked by the handler. */
export type MethodAccess = { roles: readonly StaffRole[] } | { public: true } | { deviceCredentials: true };

/** Access per full method path (`/ecogrid.registry.v1.RegistryService/ListDevices`). */
export type AccessPolicy = Readonly<Record<string, MethodAccess>>;

const PRINCIPAL_KEY = 'ecogrid-principal';
const HEALTH_SERVICE = '/grpc.health.v1.Health/';

function refusal(code: status, details: string, reason: string): { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('ecogrid-reason', reason);
  return { code, details, metadata };
}

/**
 * Authenticates every call before its handler runs: the staff bearer token in the `authorization` metadata is
 * verified (the same tokens as dispatch's REST API) and its role checked against the method's policy. A method the
 * policy does not name is refused, so a new RPC is closed until someone opens it. Missing or invalid token →
 * UNAUTHENTICATED; a role the method does not admit → PERMISSION_DENIED; both with an `ecogrid-reason` trailer.
 * The verified principal reaches the handler through `principalOf(call)`; whatever a client sent under that
 * metadata key is removed first.
 */
export function createAuthInterceptor(options: { verifier: TokenVerifier; policy: AccessPolicy; logger: Logger }): ServerInterceptor {
  const logger = options.logger.child({ module: 'grpc-auth' });
  return (methodDescriptor, call) => {
    const path = methodDescriptor.path;
    const access: MethodAccess | undefined = path.startsWith(HEALTH_SERVICE) ? { public: true } : options.policy[path];
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        metadata.remove(PRINCIPAL_KEY);
        if (!access) {
          call.sendStatus(refusal(status.PERMISSION_DENIED, `${path} is open to no one`, 'method_not_open'));
          return;
        }
        if ('public' in access || 'deviceCredentials' in access) {
          next(metadata);
          return;
        }
        const authorization = metadata.get('authorization')[0];
        options.verifier.verifyAuthorization(typeof authorization === 'string' ? authorization : undefined).then(
          (principal) => {
            if (!access.roles.includes(principal.role)) {
              logger.info({ method: path, role: principal.role, subject: principal.subject }, 'call refused: role not admitted');
              call.sendStatus(refusal(status.PERMISSION_DENIED, `the ${principal.role} role may not call ${path}`, 'role_not_allowed'));
              return;
            }
            metadata.set(PRINCIPAL_KEY, JSON.stringify(principal));
            next(metadata);
          },
          (error: unknown) => {
            const reason = isDomainError(error) && error.reason ? error.reason : 'invalid_token';
            call.sendStatus(refusal(status.UNAUTHENTICATED, isDomainError(error) ? error.message : 'the token is not valid', reason));
          },
        );
      })
      .build();
    const responder = new ResponderBuilder().withStart((next) => next(listener)).build();
    return new ServerInterceptingCall(call, responder);
  };
}

/** The staff principal the auth interceptor verified for this call, or undefined (a public or device method). */
export function principalOf(call: { metadata: Metadata }): StaffPrincipal | undefined {
  const value = call.metadata.get(PRINCIPAL_KEY)[0];
  if (typeof value !== 'string') return undefined;
  const parsed = JSON.parse(value) as Omit<StaffPrincipal, 'expiresAt'> & { expiresAt: string };
  if (!isStaffRole(parsed.role)) return undefined;
  return { ...parsed, expiresAt: new Date(parsed.expiresAt) };
}
