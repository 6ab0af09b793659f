/**
 * Summarises a .cpuprofile written by the bench (BENCH_CPU_PROFILE=<dir>):
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]
 * Self time by area (kafkajs, avsc, zod, core, ...), the hottest functions, and the inclusive time of the
 * service's own steps. Inclusive time follows synchronous stacks only: what runs after an `await` is not seen
 * under its caller, so async steps are best read from their synchronous parts (encode, decode, core).
 */
import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';

const AREAS: ReadonlyArray<readonly [string, RegExp]> = [
  ['kafkajs', /node_modules\/kafkajs\//],
  ['@platformatic/kafka', /node_modules\/@platformatic\//],
  ['avsc (Avro)', /node_modules\/avsc\//],
  ['schema-registry client', /node_modules\/@kafkajs\/confluent-schema-registry\//],
  ['zod', /node_modules\/zod\//],
  ['msgpackr', /node_modules\/msgpackr\//],
  ['ioredis', /node_modules\/(ioredis|redis-parser|@ioredis)\//],
  ['prom-client', /node_modules\/prom-client\//],
  ['pino', /node_modules\/pino/],
  ['other dependencies', /node_modules\//],
  ['src/core', /\/src\/core\//],
  ['src/adapters/redis', /\/src\/adapters\/redis\//],
  ['src/adapters/registry', /\/src\/adapters\/registry\//],
  ['src/adapters/kafka', /\/src\/adapters\/kafka\//],
  ['src (service, pipeline, domain)', /\/src\//],
  ['bench (producer, reader, generator)', /\/bench\//],
  ['node internals', /^node:|^internal\//],
];

/** The service's steps whose inclusive (synchronous) time is worth seeing. */
const WATCHED = [
  'processTransactions',
  'processCustomer',
  'structuredClone',
  'measure',
  'applyTransaction',
  'emissionsFor',
  'encodeStoredState',
  'decodeStoredState',
  'brotliCompressSync',
  'brotliDecompressSync',
  'pack',
  'unpack',
  'decode',
  'encode',
  'safeParse',
  'admit',
  'publish',
  'sendBatch',
  'observe',
  'handleTransactionBatches',
  'handleProfileBatch',
];

type ProfileNode = Profiler.ProfileNode;

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (native, unattributed)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  return AREAS.find(([, pattern]) => pattern.test(url))?.[0] ?? 'other';
}

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
const functionKey = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

export function summarise(profile: Profiler.Profile, top: number): string {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const self = new Map<number, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  samples.forEach((nodeId, index) => {
    const delta = Math.max(0, deltas[index] ?? 0) / 1000; // µs → ms
    total += delta;
    self.set(nodeId, (self.get(nodeId) ?? 0) + delta);
    const onStack = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) {
      const name = nodes.get(id)?.callFrame.functionName;
      if (name !== undefined && WATCHED.includes(name)) onStack.add(name);
    }
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
  });
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, milliseconds] of self) {
    const node = nodes.get(id);
    if (node === undefined) continue;
    byArea.set(areaOf(node), (byArea.get(areaOf(node)) ?? 0) + milliseconds);
    byFunction.set(functionKey(node), (byFunction.get(functionKey(node)) ?? 0) + milliseconds);
  }
  const busy = total - (byArea.get('idle') ?? 0);
  const percentOfBusy = (milliseconds: number) => `${((100 * milliseconds) / busy).toFixed(1).padStart(5)}%`;
  const rows = (entries: Map<string, number>, limit: number) =>
    [...entries]
      .sort((left, right) => right[1] - left[1])
      .slice(0, limit)
      .map(([name, milliseconds]) => `  ${percentOfBusy(milliseconds)}  ${milliseconds.toFixed(0).padStart(7)} ms  ${name}`);
  return [
    `profile: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (percentages are of busy time)`,
    'self time by area:',
    ...rows(byArea, 30),
    `hottest functions (self):`,
    ...rows(byFunction, top),
    'inclusive time of watched functions (synchronous stacks):',
    ...rows(inclusive, WATCHED.length),
  ].join('\n');
}

const isProfile = (value: unknown): value is Profiler.Profile =>
  typeof value === 'object' && value !== null && 'nodes' in value && Array.isArray(value.nodes);

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = '30'] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isProfile(parsed)) throw new Error(`${file} is not a .cpuprofile`);
  process.stdout.write(`${summarise(parsed, Number(top))}\n`);
}
