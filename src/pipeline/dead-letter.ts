import { createHash } from 'node:crypto';
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
  /** Set on a dead letter whose original was too large for the dead-letter topic: the original's size and sha256. */
  originalSize: 'tidewatch.dlq.original-size',
  originalSha256: 'tidewatch.dlq.original-sha256',
} as const;

/**
 * The largest dead letter written by default (key, value and headers, in bytes): below Kafka's default
 * `max.message.bytes` (1,048,588), with room for the Avro envelope, the detail and the record batch's overhead.
 */
export const DEAD_LETTER_MAX_BYTES = 1_000_000;
/** Bytes kept free for what is not the original key and value: the detail, topic names, Avro and Kafka framing. */
const ENVELOPE_BYTES = 8_192;

export interface DeadLetter {
  key: Buffer | null;
  record: DeadLetterRecord;
  headers: IHeaders;
}

/**
 * The dead-letter record keeps the original key and value bytes untouched (so the record can be inspected and
 * re-driven as it was), says where it came from and why it failed, and is keyed like the original.
 */
export function deadLetterOf(source: SourceRecord, reason: DeadLetterReason, detail: string, failedAt: number, maxBytes = DEAD_LETTER_MAX_BYTES): DeadLetter {
  const boundedDetail = detail.slice(0, 1000);
  if (sizeOf(source) > maxBytes - ENVELOPE_BYTES) return truncated(source, reason, boundedDetail, failedAt, maxBytes);
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

/** Bytes of a record's key, value and headers (as Kafka counts them, near enough). */
export function sizeOf(record: { key?: Buffer | string | null; value: Buffer | string | null; headers?: IHeaders }): number {
  let size = bytesOf(record.key) + bytesOf(record.value);
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    size += Buffer.byteLength(name);
    for (const part of Array.isArray(value) ? value : [value]) size += bytesOf(part);
  }
  return size;
}

const bytesOf = (bytes: Buffer | string | null | undefined): number => (typeof bytes === 'string' ? Buffer.byteLength(bytes) : (bytes?.length ?? 0));

/**
 * A dead letter of a record too large for the dead-letter topic: a dead letter that cannot be written would fail
 * its batch, which would be retried forever. It keeps the start of the original value (and key), says the original's
 * size and sha256 (of key and value, each) in the detail and in headers, and drops the original's headers.
 */
function truncated(source: SourceRecord, reason: DeadLetterReason, detail: string, failedAt: number, maxBytes: number): DeadLetter {
  const room = Math.max(0, maxBytes - ENVELOPE_BYTES);
  const keepKey = source.key === null ? null : source.key.subarray(0, Math.min(source.key.length, Math.floor(room / 8)));
  const keepValue = source.value === null ? null : source.value.subarray(0, Math.max(0, room - (keepKey?.length ?? 0)));
  const digest = (bytes: Buffer | null) => (bytes === null ? 'none' : createHash('sha256').update(bytes).digest('hex'));
  const size = (bytes: Buffer | null) => (bytes === null ? 'none' : String(bytes.length));
  const original = `key ${size(source.key)} B sha256 ${digest(source.key)}, value ${size(source.value)} B sha256 ${digest(source.value)}`;
  const fullDetail = `${detail} [truncated to fit the dead-letter topic: original ${original}; kept the first ${keepKey?.length ?? 0} + ${keepValue?.length ?? 0} B]`;
  return {
    key: keepKey,
    record: {
      reason,
      detail: fullDetail,
      sourceTopic: source.topic,
      sourcePartition: source.partition,
      sourceOffset: Number(source.offset),
      key: keepKey,
      value: keepValue,
      failedAt,
    },
    headers: {
      [DLQ_HEADER.reason]: reason,
      [DLQ_HEADER.detail]: detail,
      [DLQ_HEADER.topic]: source.topic,
      [DLQ_HEADER.partition]: String(source.partition),
      [DLQ_HEADER.offset]: source.offset,
      [DLQ_HEADER.failedAt]: new Date(failedAt).toISOString(),
      [DLQ_HEADER.originalSize]: `key=${size(source.key)};value=${size(source.value)}`,
      [DLQ_HEADER.originalSha256]: `key=${digest(source.key)};value=${digest(source.value)}`,
    },
  };
}
