export { createGrpcServer, GrpcStatus, type GrpcServer, type GrpcServiceBinding } from './create-grpc-server';
export { toServiceError, unaryHandler } from './unary-handler';
export { bearerTokenInterceptor, callUnary, createGrpcClient, defaultDeadlineInterceptor } from './create-grpc-client';
export { withSharedResponseEncoding } from './shared-response-encoding';
export { createAuthInterceptor, principalOf, type AccessPolicy, type MethodAccess } from './auth-interceptor';
export { hasNulCharacter, isMalformedRequest, malformedRequestError, nulCharacterError, refuseMalformedRequests } from './malformed-requests';
