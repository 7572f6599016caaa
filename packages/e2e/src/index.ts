export { startPlatform, type Platform } from './platform';
export { ROOT } from './repository-root';
export { INGEST_ENTRY, startIngestProcess, type IngestProcess, type IngestProcessOptions } from './ingest-process';
export { asPublishedDevice, publishRegistryEntities } from './registry-topics';
export { grpcHealth } from './grpc-health';
export { describeAnswers, fuzzGrpcAtTheWire, type WireFuzzOptions, type WireFuzzTally } from './grpc-wire-fuzz';
export { staffMetadata, TEST_STAFF_TOKEN_SECRET, testStaffToken } from './staff-tokens';
export { isDenied, probeUnary, readAccessMatrix, scopedOperation, SUBJECTS, type CallOutcome, type Decision, type MatrixRow, type Subject } from './access-matrix';
export { startConsoleProcess, type ConsoleProcess, type ConsoleUser } from './console-process';
