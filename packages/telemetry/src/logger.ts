import { pino, type Logger, type LoggerOptions } from 'pino';
import { trace } from '@opentelemetry/api';

/**
 * Paths never written to logs: secrets (device passwords, tokens, keys) and personal data
 * (complainants' and officers' contacts). pino replaces them with "[redacted]".
 */
export const REDACTED_PATHS = [
  'password', '*.password', 'pw', '*.pw', 'PW', '*.PW',
  'token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'secret', '*.secret',
  'contact', '*.contact', 'phone', '*.phone', 'email', '*.email', 'idNumber', '*.idNumber',
];

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/**
 * The one structured logger of a service: JSON lines with the active trace and span ids, secrets redacted.
 * Modules take child loggers (`logger.child({ module: 'hj212-listener' })`).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    name: options.service,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const context = span.spanContext();
      return { trace_id: context.traceId, span_id: context.spanId };
    },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

export type { Logger } from 'pino';
