import type { IHeaders, Message } from 'kafkajs';

export type DeadLetterReason = 'undecodable' | 'unknown_schema' | 'invalid';

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export const DLQ_HEADER = {
  reason: 'tidewatch.dlq.reason',
  detail: 'tidewatch.dlq.detail',
  topic: 'tidewatch.dlq.source.topic',
  partition: 'tidewatch.dlq.source.partition',
  offset: 'tidewatch.dlq.source.offset',
  failedAt: 'tidewatch.dlq.failed-at',
} as const;

/**
 * The dead-letter message keeps the original key and value bytes untouched (so the record can be inspected
 * and re-driven as it was) and says where it came from and why it failed in headers.
 */
export function deadLetterMessage(source: SourceRecord, reason: DeadLetterReason, detail: string, failedAt: Date): Message {
  return {
    key: source.key,
    value: source.value,
    headers: {
      ...source.headers,
      [DLQ_HEADER.reason]: reason,
      [DLQ_HEADER.detail]: detail,
      [DLQ_HEADER.topic]: source.topic,
      [DLQ_HEADER.partition]: String(source.partition),
      [DLQ_HEADER.offset]: source.offset,
      [DLQ_HEADER.failedAt]: failedAt.toISOString(),
    },
  };
}
