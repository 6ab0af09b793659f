import type { IHeaders } from 'kafkajs';
import type { DeadLetterReason, DeadLetterRecord } from '../domain/dead-letter.ts';

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** Headers repeat the reason and origin, so tools can filter the dead-letter topic without decoding it. */
export const DLQ_HEADER = {
  reason: 'tidewatch.dlq.reason',
  detail: 'tidewatch.dlq.detail',
  topic: 'tidewatch.dlq.source.topic',
  partition: 'tidewatch.dlq.source.partition',
  offset: 'tidewatch.dlq.source.offset',
  failedAt: 'tidewatch.dlq.failed-at',
} as const;

export interface DeadLetter {
  key: Buffer | null;
  record: DeadLetterRecord;
  headers: IHeaders;
}

/**
 * The dead-letter record keeps the original key and value bytes untouched (so the record can be inspected and
 * re-driven as it was), says where it came from and why it failed, and is keyed like the original.
 */
export function deadLetterOf(source: SourceRecord, reason: DeadLetterReason, detail: string, failedAt: number): DeadLetter {
  const boundedDetail = detail.slice(0, 1000);
  return {
    key: source.key,
    record: {
      reason,
      detail: boundedDetail,
      sourceTopic: source.topic,
      sourcePartition: source.partition,
      sourceOffset: Number(source.offset),
      key: source.key,
      value: source.value,
      failedAt,
    },
    headers: {
      ...source.headers,
      [DLQ_HEADER.reason]: reason,
      [DLQ_HEADER.detail]: boundedDetail,
      [DLQ_HEADER.topic]: source.topic,
      [DLQ_HEADER.partition]: String(source.partition),
      [DLQ_HEADER.offset]: source.offset,
      [DLQ_HEADER.failedAt]: new Date(failedAt).toISOString(),
    },
  };
}
