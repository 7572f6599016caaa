import {
  credentials,
  InterceptingCall,
  type CallOptions,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  type Interceptor,
  type ServiceError,
} from '@grpc/grpc-js';

/** Every call gets a deadline: an unbounded call is how one slow dependency stalls a whole service. */
export function defaultDeadlineInterceptor(deadlineMs: number): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options.deadline === undefined ? { ...options, deadline: Date.now() + deadlineMs } : options));
}

/**
 * Sends a staff bearer token with every call (gRPC call credentials need TLS; this works on any channel). The
 * token is asked for per call, so a caller can renew it before it expires.
 */
export function bearerTokenInterceptor(token: () => string | Promise<string>): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        Promise.resolve(token()).then(
          (value) => {
            metadata.set('authorization', `Bearer ${value}`);
            next(metadata, listener);
          },
          // Without a token the call goes out as it is and the server refuses it with UNAUTHENTICATED.
          () => next(metadata, listener),
        );
      },
    });
}

type ClientConstructor<C extends Client> = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: ClientOptions) => C;

/** A client for a generated service with a default deadline on every call. */
export function createGrpcClient<C extends Client>(
  Constructor: ClientConstructor<C>,
  address: string,
  options: { deadlineMs?: number; channelOptions?: ChannelOptions; bearerToken?: () => string | Promise<string> } = {},
): C {
  return new Constructor(address, credentials.createInsecure(), {
    ...options.channelOptions,
    interceptors: [defaultDeadlineInterceptor(options.deadlineMs ?? 5_000), ...(options.bearerToken ? [bearerTokenInterceptor(options.bearerToken)] : [])],
  });
}

type UnaryMethod<Request, Response> = (
  request: Request,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => unknown;

/** Calls a generated unary method as a promise, with an explicit deadline. */
export function callUnary<Request, Response>(method: UnaryMethod<Request, Response>, request: Request, deadlineMs = 5_000): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    method(request, { deadline: Date.now() + deadlineMs }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
