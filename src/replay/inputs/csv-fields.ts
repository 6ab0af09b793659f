/**
 * The fields of one CSV line: `delimiter`-separated, a field may be quoted with `"` (a doubled `""` inside stands
 * for one quote, and the delimiter loses its meaning). Fields spanning lines are not supported: an unterminated
 * quote answers undefined, and the caller quarantines the line.
 */
export function splitFields(line: string, delimiter: string): string[] | undefined {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let index = 0;
  while (index <= line.length) {
    if (line[index] === '"') {
      index += 1;
      for (;;) {
        const quote = line.indexOf('"', index);
        if (quote === -1) return undefined;
        field += line.slice(index, quote);
        index = quote + 1;
        if (line[index] !== '"') break;
        field += '"';
        index += 1;
      }
    }
    const next = line.indexOf(delimiter, index);
    const end = next === -1 ? line.length : next;
    field += line.slice(index, end);
    fields.push(field);
    field = '';
    index = end + delimiter.length;
    if (next === -1) break;
  }
  return fields;
}
