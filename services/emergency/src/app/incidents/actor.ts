/** Who calls a use case (from the staff token); the access tables in adapters/grpc decide who may. */
export interface Actor {
  id: string;
  role: string;
}
