import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Records and customer data never go into a log line: code logs topic, partition,
 * offset and reasons only. The redact list is a second line of defence for fields that must not leak.
 */
export function createLogger(level: string, name = 'tidewatch', destination: 'stdout' | 'stderr' = 'stdout'): Logger {
  // a command whose standard output is its report (tidewatch rebuild) logs on standard error
  const options = {
    name,
    level,
    redact: {
      paths: ['customerId', '*.customerId', 'accountId', '*.accountId', 'value', '*.value', 'key', '*.key'],
      censor: '[redacted]',
    },
  };
  return destination === 'stderr' ? pino(options, pino.destination(2)) : pino(options);
}
