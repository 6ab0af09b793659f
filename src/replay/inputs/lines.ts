import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Lines of a file as they come off the disk: one array per read (about a megabyte), so a line costs no promise. */
export interface LineBatch {
  lines: string[];
  /** 1-based number of the batch's first line in the file. */
  firstLine: number;
}

const READ_BYTES = 1 << 20;

/**
 * Streams a text file's lines (UTF-8, LF or CRLF; the line ends are removed). Memory holds one read and the line
 * it cut in half, whatever the file's size; the next read waits until the caller asks for it (backpressure).
 * `onBytes` is told how many bytes have been read so far, for progress.
 */
export async function* readLines(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<LineBatch> {
  const decoder = new StringDecoder('utf8');
  let carried = '';
  let nextLine = 1;
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES })) {
    const buffer = chunk as Buffer;
    bytesRead += buffer.length;
    const text = carried + decoder.write(buffer);
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lines.push(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
    }
    carried = text.slice(start);
    onBytes?.(bytesRead);
    if (lines.length > 0) {
      yield { lines, firstLine: nextLine };
      nextLine += lines.length;
    }
  }
  const last = carried + decoder.end();
  if (last.length > 0) yield { lines: [last.endsWith('\r') ? last.slice(0, -1) : last], firstLine: nextLine };
}
