import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * A copy of `definition` in which the named methods encode each response object once and keep the bytes beside
 * it (a WeakMap: the bytes go when the object goes).
 *
 * For methods answered from an in-memory view whose answers are shared objects, never mutated after they are
 * built (a changed entity is a new object): LocateCell answers one of a few thousand cells, each a polygon as
 * GeoJSON text with its township and officers, and encoding it again on every call is a sizeable share of the
 * call's CPU (see the registry bench in BENCHMARKS.md), for the same bytes every time. A handler of such a method must return the same response
 * object for the same answer, and must never mutate one it returned; a fresh object per call stays correct,
 * only uncached. grpc-js copies the serialised bytes into its own frame, so one Buffer serves every call.
 */
export function withSharedResponseEncoding(definition: ServiceDefinition, methods: readonly string[]): ServiceDefinition {
  for (const name of methods) if (!definition[name]) throw new Error(`no method ${name} in the service definition`);
  return Object.fromEntries(
    Object.entries(definition).map(([name, method]) => {
      if (!methods.includes(name)) return [name, method];
      const encode = method.responseSerialize;
      const encoded = new WeakMap<object, Buffer>();
      const responseSerialize = (value: unknown): Buffer => {
        // Only objects can be keys; anything else (never a generated message) is encoded every time.
        if (typeof value !== 'object' || value === null) return encode(value);
        let bytes = encoded.get(value);
        if (bytes === undefined) {
          bytes = encode(value);
          encoded.set(value, bytes);
        }
        return bytes;
      };
      return [name, { ...method, responseSerialize }];
    }),
  );
}
