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
});

export type BenchConfig = z.infer<typeof configSchema>;

export function benchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return configSchema.parse(env);
}
