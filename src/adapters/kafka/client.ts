import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient, KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '../../config/security.ts';
import type { Logger } from '../../observability/logger.ts';

const { Kafka, logLevel } = kafkajs;

export type KafkaSecurity = Pick<KafkaConnection, 'tls' | 'sasl'>;

/**
 * kafkajs' `ssl` goes to tls.connect as is (CA bundle, client certificate and key for mTLS); `sasl` takes the
 * mechanism in lower case. Without either, a plain connection.
 */
export function kafkaSecurityOptions(security: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    ...(security.tls === undefined ? {} : { ssl: { ...security.tls } }),
    ...(security.sasl === undefined ? {} : { sasl: saslOptions(security.sasl) }),
  };
}

function saslOptions({ mechanism, username, password }: NonNullable<KafkaSecurity['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

/** kafkajs logs through our logger, so its lines are structured like ours. */
export function createKafka(brokers: string[], clientId: string, logger: Logger, security: KafkaSecurity = {}): KafkaClient {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    brokers,
    clientId,
    ...kafkaSecurityOptions(security),
    logLevel: logLevel.INFO,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
        if (level <= logLevel.ERROR) kafkaLogger.error(extra, message);
        else if (level === logLevel.WARN) kafkaLogger.warn(extra, message);
        else kafkaLogger.debug(extra, message);
      },
  });
}
