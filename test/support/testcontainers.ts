import { KafkaContainer } from '@testcontainers/kafka';
import { RedisContainer } from '@testcontainers/redis';
import { GenericContainer, Network, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { ServiceEndpoints } from './endpoints.ts';

/**
 * Real Kafka + schema registry + Redis for the integration suites, started with testcontainers when a container
 * engine is available. Images are pinned: a floating tag would let the suites change behaviour between two runs.
 */

/** Confluent Platform 7.9 ships Kafka 3.9; @testcontainers/kafka's KafkaContainer targets the cp-kafka image. */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.1';
export const SCHEMA_REGISTRY_IMAGE = 'confluentinc/cp-schema-registry:7.9.1';
export const REDIS_IMAGE = 'redis:7.4.2-alpine';

/** KafkaContainer's PLAINTEXT listener, the one it publishes to the host (mapped to a random host port). */
const KAFKA_HOST_LISTENER_PORT = 9093;
/**
 * KafkaContainer's BROKER listener for containers on the same network. It advertises it as
 * `BROKER://<container hostname>:9092`, so the container is given hostname `kafka` (same as its network alias) to
 * make that advertised address resolvable from the registry container.
 */
const KAFKA_NETWORK_LISTENER_PORT = 9092;
const KAFKA_ALIAS = 'kafka';
const SCHEMA_REGISTRY_PORT = 8081;
const SCHEMA_REGISTRY_ALIAS = 'schema-registry';
const REDIS_ALIAS = 'redis';

const RUNTIME_PROBE_TIMEOUT_MS = 5_000;

/**
 * Whether a Docker-compatible engine answers, as testcontainers itself sees it (DOCKER_HOST, ~/.testcontainers
 * .properties, the usual sockets). Never throws and gives up after a few seconds, so suites can decide to skip
 * instead of hanging on a socket nobody answers.
 */
export async function dockerEngineAnswers(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const probe = getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), RUNTIME_PROBE_TIMEOUT_MS);
    // A pending probe must not keep the test process alive on its own.
    timer.unref();
  });
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Stoppable {
  stop(): Promise<unknown>;
}

/** Stops everything given, in order, and reports every failure rather than only the first. */
async function stopAll(resources: readonly Stoppable[]): Promise<void> {
  const errors: unknown[] = [];
  for (const resource of resources) {
    try {
      await resource.stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'failed to stop part of the testcontainers stack');
}

/**
 * Starts Kafka (KRaft, single node), a Confluent schema registry wired to it over a private network, and Redis.
 * If any container fails to start, whatever did start is stopped before the error propagates.
 */
export async function startContainerStack(): Promise<{ endpoints: ServiceEndpoints; stop(): Promise<void> }> {
  const network = await new Network().start();
  // Containers in start order; stopped in reverse, the network last.
  const started: Stoppable[] = [];
  const teardown = () => stopAll([...started].reverse().concat(network));

  try {
    const kafka = await new KafkaContainer(KAFKA_IMAGE)
      .withKraft()
      .withNetwork(network)
      .withNetworkAliases(KAFKA_ALIAS)
      .withHostname(KAFKA_ALIAS)
      .start();
    started.push(kafka);

    // The registry needs Kafka up; Redis needs nothing, so the two start side by side.
    const [registryResult, redisResult] = await Promise.allSettled([
      new GenericContainer(SCHEMA_REGISTRY_IMAGE)
        .withNetwork(network)
        .withNetworkAliases(SCHEMA_REGISTRY_ALIAS)
        .withEnvironment({
          SCHEMA_REGISTRY_HOST_NAME: SCHEMA_REGISTRY_ALIAS,
          SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: `PLAINTEXT://${KAFKA_ALIAS}:${KAFKA_NETWORK_LISTENER_PORT}`,
          SCHEMA_REGISTRY_LISTENERS: `http://0.0.0.0:${SCHEMA_REGISTRY_PORT}`,
        })
        .withExposedPorts(SCHEMA_REGISTRY_PORT)
        .withWaitStrategy(Wait.forHttp('/subjects', SCHEMA_REGISTRY_PORT).forStatusCode(200))
        .withStartupTimeout(120_000)
        .start(),
      new RedisContainer(REDIS_IMAGE).withNetwork(network).withNetworkAliases(REDIS_ALIAS).start(),
    ]);
    if (registryResult.status === 'fulfilled') started.push(registryResult.value);
    if (redisResult.status === 'fulfilled') started.push(redisResult.value);
    if (registryResult.status === 'rejected') throw registryResult.reason;
    if (redisResult.status === 'rejected') throw redisResult.reason;
    const registry = registryResult.value;
    const redis = redisResult.value;

    const endpoints: ServiceEndpoints = {
      kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(KAFKA_HOST_LISTENER_PORT)}`],
      schemaRegistryUrl: `http://${registry.getHost()}:${registry.getMappedPort(SCHEMA_REGISTRY_PORT)}`,
      redisUrl: redis.getConnectionUrl(),
      source: 'testcontainers',
    };

    let stopping: Promise<void> | undefined;
    return {
      endpoints,
      stop: () => (stopping ??= teardown()),
    };
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
}
