export { startTelemetry, type StartTelemetryOptions, type Telemetry } from './start-telemetry';
export { createLogger, REDACTED_PATHS, type CreateLoggerOptions, type Logger } from './logger';
export { ATTR, SECONDS_BUCKETS } from './attributes';
export { stopOnSignals, exitOnStartFailure, type StopOnSignalsOptions, type StopStep } from './stop-on-signals';
