import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { outputError } from './output-file.ts';

/** Lines are encoded straight into buffers of about a megabyte; the stream holds a few, so generating and writing overlap. */
const CHUNK_BYTES = 1 << 20;
const STREAM_BUFFER_BYTES = 8 << 20;
const NEWLINE = 0x0a;

/**
 * A file of JSON lines written through a stream that is waited on when its buffer is full, so a fast producer
 * never piles the output up in memory. It is written under a `.partial` name and renamed when complete: a reader
 * never sees half a file as if it were whole. A write that fails (no such folder, disk full) fails the next `flush`
 * or `close` with an OutputError naming the path; it is never lost.
 */
export class JsonLinesFile {
  private readonly stream: WriteStream;
  private readonly partialPath: string;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private failure: Error | undefined;

  constructor(private readonly path: string) {
    this.partialPath = `${path}.partial`;
    this.stream = createWriteStream(this.partialPath, { highWaterMark: STREAM_BUFFER_BYTES });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  /** Adds one line (the serialised record, without its newline); answers whether it is time to `flush`. */
  add(line: string): boolean {
    const worstCase = line.length * 3 + 1; // UTF-16 code unit to at most 3 UTF-8 bytes
    if (this.used + worstCase > this.chunk.length) {
      this.handOver();
      if (worstCase > this.chunk.length) this.chunk = Buffer.allocUnsafe(worstCase);
    }
    this.used += this.chunk.write(line, this.used, 'utf8');
    this.chunk[this.used] = NEWLINE;
    this.used += 1;
    return this.stream.writableNeedDrain;
  }

  /** Waits while the stream's buffer is full. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    // `once` rejects if the stream fails while waiting
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain').catch((error: unknown) => Promise.reject(outputError(this.path, error)));
  }

  /** Adds the lines, waiting whenever the stream is full. */
  async addAll(lines: Iterable<string>): Promise<void> {
    for (const line of lines) {
      if (this.add(line)) await this.flush();
    }
  }

  async close(): Promise<void> {
    this.handOver();
    await this.flush();
    this.stream.end();
    try {
      await finished(this.stream);
      this.throwIfFailed();
      await rename(this.partialPath, this.path);
    } catch (error) {
      throw outputError(this.path, error);
    }
  }

  /** Gives up on the file: nothing is left behind under either name. */
  async discard(): Promise<void> {
    // the file may still be opening: removed only once the stream has closed it, or it would come back. A stream
    // that already closed (it failed) emits no second 'close': waiting for one would hang, and an empty event loop
    // would then end the process with exit code 0 as if all went well.
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close').catch(() => {});
      this.stream.destroy();
      await closed;
    }
    await rm(this.partialPath, { force: true });
  }

  private throwIfFailed(): void {
    const failure = this.failure ?? this.stream.errored ?? undefined;
    if (failure !== undefined && failure !== null) throw outputError(this.path, failure);
  }

  /** The filled part of the chunk goes to the stream (which keeps it), and a fresh chunk takes its place. */
  private handOver(): void {
    if (this.used === 0) return;
    this.stream.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }
}
