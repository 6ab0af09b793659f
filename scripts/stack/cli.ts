import { down, endpointsOf, status, up } from './stack.ts';
import type { StackEndpoints } from './stack.ts';
import { securedEndpointsFile } from './secured.ts';

const usage = `usage: scripts/local-stack <up|down|status|env>
  up      install (first time) and start Kafka (KRaft), the schema registry and Redis on loopback
  down    stop what up started and remove its runtime data
  status  show what is running and whether it answers
  env     print KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL for the running stack (eval-able), and
          TIDEWATCH_SECURED_ENDPOINTS: a JSON file describing the secured services (SASL_SSL and mTLS listeners,
          registry over HTTPS + basic auth, TLS Redis, Redis Cluster; password files, never passwords)`;

// Progress goes to stderr so that stdout carries only the endpoints (eval "$(scripts/local-stack env)").
const report = (line: string) => process.stderr.write(`local-stack: ${line}\n`);

function envLines(endpoints: StackEndpoints): string {
  return [
    `export KAFKA_BROKERS=${endpoints.kafkaBrokers.join(',')}`,
    `export SCHEMA_REGISTRY_URL=${endpoints.schemaRegistryUrl}`,
    `export REDIS_URL=${endpoints.redisUrl}`,
    ...(endpoints.secured === undefined ? [] : [`export TIDEWATCH_SECURED_ENDPOINTS=${securedEndpointsFile()}`]),
  ].join('\n');
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      const { endpoints, reused } = await up(report);
      if (reused) report('already up');
      process.stdout.write(`${envLines(endpoints)}\n`);
      return 0;
    }
    case 'down':
      await down(report);
      return 0;
    case 'status':
    case 'env': {
      const { state, healthy } = await status();
      if (state === undefined) {
        report('not running');
        return 1;
      }
      if (command === 'env') {
        process.stdout.write(`${envLines(endpointsOf(state))}\n`);
      } else {
        const redisOwner = state.redis.pid === undefined ? 'machine' : `pid ${state.redis.pid}`;
        report(`kafka pid ${state.kafka.pid} on 127.0.0.1:${state.kafka.brokerPort} (controller ${state.kafka.controllerPort})`);
        report(`registry pid ${state.registry.pid} on 127.0.0.1:${state.registry.port}`);
        report(`redis ${state.redis.url} (${redisOwner})`);
        const secured = state.secured;
        if (secured !== undefined) {
          report(`kafka SASL_SSL ${secured.endpoints.kafkaSaslSslBrokers.join(',')}, mTLS ${secured.endpoints.kafkaMtlsBrokers.join(',')}`);
          report(`registry HTTPS + basic auth ${secured.endpoints.schemaRegistryUrl} (pid ${secured.registryProxy.pid})`);
          report(`redis TLS ${secured.endpoints.redisTlsUrl} (pid ${secured.redisTls.pid}), cluster ${secured.endpoints.redisClusterNodes.join(',')}`);
        }
        report(healthy ? 'all answer' : 'NOT healthy: run down, then up');
      }
      return healthy ? 0 : 1;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    report(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
