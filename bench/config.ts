import { z } from 'zod';

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Sizes and rates of a run; the defaults are the documented bench, BENCH_* variables shrink it for a quick try. */
const configSchema = z.object({
  BENCH_SEED: positiveInteger(20_261_123),
  BENCH_CUSTOMERS: positiveInteger(20_000),
  BENCH_TRANSACTIONS: positiveInteger(300_000),
  BENCH_DAYS: positiveInteger(120),
  BENCH_RATE: positiveInteger(5_000),
  BENCH_LIVE_SECONDS: positiveInteger(20),
  BENCH_ALERT_SHARE: z.coerce.number().positive().max(1).default(0.02),
  BENCH_MEMORY_SAMPLE: positiveInteger(1_000),
  /** Saturation stops being timed after this long (the figure is then the rate so far), to keep the run short. */
  BENCH_SATURATION_DEADLINE_SECONDS: positiveInteger(150),
  /** Raw consumes of the transactions topic per client (kafkajs, and the alternative client), in A B B A order. */
  BENCH_RAW_ROUNDS: positiveInteger(2),
  /** A raw consume that has not counted every record by then does not work here. */
  BENCH_RAW_TIMEOUT_SECONDS: positiveInteger(120),
  /** `platformatic`: measure @platformatic/kafka's raw consume beside kafkajs's; `none`: kafkajs alone (said in the table). */
  BENCH_ALT_CLIENT: z.enum(['platformatic', 'none']).default('platformatic'),
  /** A folder: write a CPU profile per measured phase there (the profiler slows the run; not for reference figures). */
  BENCH_CPU_PROFILE: z.string().min(1).optional(),
  /** `1`: the service runs inside the bench's process (startService), the old way; `0` (default): as its own OS process. */
  BENCH_IN_PROCESS: z
    .enum(['0', '1'])
    .default('0')
    .transform((value) => value === '1'),
  /** Service processes in one consumer group (instances per core: the group's throughput and CPU on the same cores). */
  BENCH_INSTANCES: z.coerce.number().int().min(1).max(6).default(1),
})
  .refine((config) => !config.BENCH_IN_PROCESS || config.BENCH_INSTANCES === 1, {
    message: 'BENCH_IN_PROCESS=1 runs one service inside the bench process: BENCH_INSTANCES must be 1',
    path: ['BENCH_INSTANCES'],
  })
  .refine((config) => config.BENCH_CPU_PROFILE === undefined || config.BENCH_INSTANCES === 1, {
    message: 'BENCH_CPU_PROFILE profiles one service process: BENCH_INSTANCES must be 1',
    path: ['BENCH_INSTANCES'],
  });

export type BenchConfig = z.infer<typeof configSchema>;

export function benchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return configSchema.parse(env);
}

export const BENCH_USAGE = `Usage: npm run bench            (configured by environment variables, no options)

tidewatch against a real Kafka, schema registry and Redis (KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL when all
three are set, else scripts/local-stack), the service as its own process. Phases: produce a synthetic bank; raw
consume of its transactions by kafkajs and by @platformatic/kafka (the baseline, same topic, same run); the service
at saturation; RM alert latency at a paced rate; one batch's anatomy; Redis memory per customer. Prints a table and
one JSON line on stdout, progress on stderr. Exits 1 only when something does not work (a phase fails, a consume
counts other than what was produced, the service does not exit 0 on SIGTERM, the alternative client fails);
never because a target is missed. Not part of npm test. Details: bench/README.md.

Environment (default):
  BENCH_CUSTOMERS / BENCH_TRANSACTIONS / BENCH_DAYS    data set (20000 / 300000 / 120)
  BENCH_SEED                                           seed of the data set (20261123)
  BENCH_RAW_ROUNDS                                     raw consume rounds per client, A B B A order (2)
  BENCH_RAW_TIMEOUT_SECONDS                            a raw consume that has not counted every record by then fails (120)
  BENCH_ALT_CLIENT                                     platformatic | none: the alternative client, or kafkajs alone (platformatic)
  BENCH_RATE / BENCH_LIVE_SECONDS / BENCH_ALERT_SHARE  latency phase (5000 / 20 / 0.02)
  BENCH_SATURATION_DEADLINE_SECONDS                    saturation stops being timed after this (150)
  BENCH_MEMORY_SAMPLE                                  customers sampled for Redis MEMORY USAGE (1000)
  BENCH_CPU_PROFILE                                    a folder for CPU profiles of each phase and of the service (unset)
  BENCH_IN_PROCESS                                     1: the service inside the bench's process (0)
  BENCH_INSTANCES                                      service processes in one consumer group, 1-6: counters summed (1)

Example: BENCH_CUSTOMERS=2000 BENCH_TRANSACTIONS=30000 BENCH_LIVE_SECONDS=5 npm run bench   (a quick try)
`;

/** The bench takes no options: `help` for -h/--help, `run` for none; anything else is a usage error (exit 2). */
export function benchCommand(args: readonly string[]): 'help' | 'run' | { error: string } {
  if (args.length === 0) return 'run';
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) return 'help';
  return { error: `npm run bench takes no options (${args.join(' ')}): it is configured by BENCH_* environment variables` };
}
