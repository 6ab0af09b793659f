import { z } from 'zod';
import { SecuritySettingError, connectionsOf, securityEnvShape } from './security.ts';

/**
 * Everything the service reads from its environment. Parsed once at start-up; a bad or missing value stops the
 * process with a message that names the variable, instead of failing later on the first message.
 */
const brokerList = z
  .string()
  .min(1)
  .transform((raw) => raw.split(',').map((broker) => broker.trim()).filter((broker) => broker.length > 0))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1));

const port = z.coerce.number().int().min(0).max(65535);

export const envSchema = z.object({
  KAFKA_BROKERS: brokerList,
  SCHEMA_REGISTRY_URL: z.url(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis:// or rediss:// URL'),
  TIDEWATCH_CLIENT_ID: z.string().min(1).default('tidewatch'),
  TIDEWATCH_GROUP_ID: z.string().min(1).default('tidewatch'),
  TIDEWATCH_TOPIC_TRANSACTIONS: z.string().min(1).default('tidewatch.transactions.v1'),
  TIDEWATCH_TOPIC_DEAD_LETTER: z.string().min(1).default('tidewatch.dead-letter.v1'),
  /** Customer reference data in (compacted, keyed by customer id). */
  TIDEWATCH_TOPIC_PROFILES: z.string().min(1).default('tidewatch.customer-profiles.v1'),
  /** RM alerts out, keyed by RM id so that each RM's queue is ordered. */
  TIDEWATCH_TOPIC_RM_ALERTS: z.string().min(1).default('tidewatch.rm-alerts.v1'),
  /** Outflow and leakage feed for the risk team, keyed by customer id. */
  TIDEWATCH_TOPIC_RISK: z.string().min(1).default('tidewatch.risk-outflows.v1'),
  /** Opportunities for campaign systems (consented customers only), keyed by customer id. */
  TIDEWATCH_TOPIC_CAMPAIGN: z.string().min(1).default('tidewatch.campaign-opportunities.v1'),
  /** Routine RM alerts out, waiting for the RM's digest (rules `digest`), keyed by RM queue like the RM alerts topic. */
  TIDEWATCH_TOPIC_RM_ROUTINE: z.string().min(1).default('tidewatch.rm-routine.v1'),
  /** Each RM's digest of routine alerts out (`tidewatch digest`), keyed by RM queue. */
  TIDEWATCH_TOPIC_RM_DIGESTS: z.string().min(1).default('tidewatch.rm-digests.v1'),
  /** Outcomes RMs record about alerts in (keyed by customer id): suppression and per-rule precision. */
  TIDEWATCH_TOPIC_OUTCOMES: z.string().min(1).default('tidewatch.rm-outcomes.v1'),
  /**
   * Time deposits and wealth products in (maturity, auto-rollover), keyed by customer id and co-partitioned with the
   * transactions topic (same partition count): a customer's products land on the partition its timers live on.
   */
  TIDEWATCH_TOPIC_PRODUCTS: z.string().min(1).default('tidewatch.product-events.v1'),
  /** Every configuration file loaded (rules at start and on each reload) as an audit record, keyed by kind. */
  TIDEWATCH_TOPIC_AUDIT: z.string().min(1).default('tidewatch.audit.v1'),
  /** Who provides the configuration, for the audit records (e.g. the deploying pipeline); default: the file owner's uid. */
  TIDEWATCH_AUDIT_ACTOR: z.string().min(1).optional(),
  /** The RM queue (record key on the RM alerts topic) for customers with no known RM. */
  TIDEWATCH_UNASSIGNED_QUEUE: z.string().min(1).default('UNASSIGNED'),
  /** The rules file (YAML or JSON): thresholds, tiers, windows, cooldowns. */
  TIDEWATCH_RULES_FILE: z.string().min(1).default('rules/default.yaml'),
  /** Register the Avro schemas of every topic at start (set false where schemas are deployed by a pipeline). */
  TIDEWATCH_REGISTER_SCHEMAS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** How often the owned partitions' timers (dormancy) are checked. */
  TIDEWATCH_TIMER_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
  /** How often the consumer lag of the owned partitions is read from the broker (committed offsets, high watermarks). */
  TIDEWATCH_LAG_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  /**
   * SIGTERM: how long stopping may take (stop fetching, finish the batch in hand, publish, commit, disconnect) before
   * the process gives up, logs what was left and exits 1. Keep it below the orchestrator's grace period (k8s: 30 s).
   */
  TIDEWATCH_STOP_DEADLINE_MS: z.coerce.number().int().min(100).default(25_000),
  /** `tidewatch digest`: its consumer group on the routine topic (one owner per RM queue). */
  TIDEWATCH_DIGEST_GROUP_ID: z.string().min(1).default('tidewatch-digest'),
  /** `tidewatch digest`: how often it checks whether a flush time has passed and re-sends digests not yet delivered. */
  TIDEWATCH_DIGEST_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
  /**
   * `tidewatch digest`: how long the ids of digested alerts are remembered, so that an alert the service re-sends
   * after a crash is not listed in a second digest. Keep it at least the routine topic's retention.
   */
  TIDEWATCH_DIGEST_DEDUP_DAYS: z.coerce.number().int().min(1).default(8),
  /** A customer's state expires this long after its last change (longer than the longest dormancy stage). */
  TIDEWATCH_STATE_TTL_DAYS: z.coerce.number().int().min(1).default(1095),
  /** Create missing topics at start (handy locally; where topics are provisioned by ops, set false). */
  TIDEWATCH_CREATE_TOPICS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  TIDEWATCH_TOPIC_PARTITIONS: z.coerce.number().int().min(1).default(6),
  /** How often Redis' maxmemory-policy is read again (an evicting Redis stops processing; issue 11). */
  TIDEWATCH_REDIS_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * Kafka group session timeout: how long a killed instance's partitions wait for a new owner (heartbeats every tenth
   * of it). Within the broker's group.min/max.session.timeout.ms (6 s to 30 min by default).
   */
  TIDEWATCH_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  /**
   * Most customers' decoded states kept in memory across the owned partitions (issue 12: state owned where it is
   * used; Redis is read only for a customer not seen since its partition was taken). The least recently written
   * beyond it are read from Redis again when needed; 0 keeps none (every unit reads Redis, as before). A decoded
   * state costs ~4–13 KiB of heap (12.5 KiB measured for a customer active on 45 days), so the default stays well
   * inside the pod's 512 MiB.
   */
  TIDEWATCH_STATE_CACHE_CUSTOMERS: z.coerce.number().int().min(0).max(10_000_000).default(20_000),
  /**
   * How long a fetch may wait for more records before its unit of work runs (the broker answers once it holds a
   * full fetch, 256 KiB a partition, or after this long): a customer's records arriving within it make one state
   * write and one produce. 0: answered as soon as anything is there; a unit is already one write per customer,
   * however many of its records a fetch holds, which at saturation is every fetch.
   */
  TIDEWATCH_WRITE_COALESCE_MS: z.coerce.number().int().min(0).max(1_000).default(0),
  /** Once, after upgrading from a version without partition epochs: take committed partitions' state as intact. */
  TIDEWATCH_ADOPT_STATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  TIDEWATCH_REDIS_PREFIX: z.string().default('tw:'),
  TIDEWATCH_HTTP_PORT: port.default(8080),
  TIDEWATCH_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** Bearer tokens (and their branch/RM scopes) for GET /customers/:id/features; unset, the endpoint is off. */
  TIDEWATCH_FEATURES_TOKENS_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SASL/TLS for Kafka, auth and CA for the registry, TLS/ACL/Cluster for Redis: see security.ts. */
  ...securityEnvShape,
});

export type ServiceEnv = z.infer<typeof envSchema>;

/** Variables with no default: a deployment (compose, k8s) must set each of them. */
export const requiredEnvNames: readonly string[] = Object.entries(envSchema.shape)
  .filter(([, field]) => !field.safeParse(undefined).success)
  .map(([name]) => name);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseEnv(env: NodeJS.ProcessEnv): ServiceEnv {
  const parsed = parseWith(envSchema, env) as ServiceEnv;
  try {
    connectionsOf(parsed); // the secret and PEM files it names must be readable now, not at first use
  } catch (error) {
    if (error instanceof SecuritySettingError) throw new ConfigError(`invalid configuration:\n  ${error.message}`);
    throw error;
  }
  return parsed;
}

/** Only the named variables, by the same rules: a command asks for the settings it uses (no REDIS_URL to register schemas). */
export function parseEnvOf<K extends keyof ServiceEnv>(env: NodeJS.ProcessEnv, names: readonly K[]): Pick<ServiceEnv, K> {
  const wanted = new Set<string>(names);
  const shape = Object.fromEntries(Object.entries(envSchema.shape).filter(([name]) => wanted.has(name)));
  return parseWith(z.object(shape), env) as Pick<ServiceEnv, K>;
}

function parseWith(schema: z.ZodType, env: NodeJS.ProcessEnv): unknown {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const unset = env[String(issue.path[0])] === undefined;
    return `${name}: ${unset ? 'required, not set' : issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
