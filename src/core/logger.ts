import { pino, type Logger } from 'pino';

export type { Logger };

/** The process logger: JSON lines on stdout (pino), level from `LOG_LEVEL`. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'syndicate' }, timestamp: pino.stdTimeFunctions.isoTime });
}
