import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { JsonLinesFile } from '../generate/jsonl-file.ts';

/**
 * Where a replay writes lines (alerts, dead letters): `write` answers a promise only when the output is full and
 * the replay must wait (backpressure), so memory stays flat however much is written.
 */
export interface LineSink {
  write(line: string): Promise<void> | undefined;
  /** Everything written is out (a file appears under its name only now). */
  close(): Promise<void>;
  /** Gives up: a file is removed rather than left half-written. */
  discard(): Promise<void>;
}

/** A file written under a `.partial` name and renamed when complete. */
export function fileSink(path: string): LineSink {
  const file = new JsonLinesFile(path);
  return {
    write: (line) => (file.add(line) ? file.flush() : undefined),
    close: () => file.close(),
    discard: () => file.discard(),
  };
}

/** Standard output (`--out -`), for piping the alerts into another tool. */
export function streamSink(stream: Writable): LineSink {
  return {
    write: (line) => (stream.write(`${line}\n`) ? undefined : once(stream, 'drain').then(() => undefined)),
    close: async () => {},
    discard: async () => {},
  };
}
