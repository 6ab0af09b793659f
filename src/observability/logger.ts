import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Records and customer data never go into a log line: code logs topic, partition,
 * offset and reasons only. The redact list is a second line of defence for fields that must not leak.
 */
export function createLogger(level: string, name = 'tidewatch'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['customerId', '*.customerId', 'accountId', '*.accountId', 'value', '*.value', 'key', '*.key'],
      censor: '[redacted]',
    },
  });
}
