/** Where the integration suites find the real services, whichever way they were provided. */
export interface ServiceEndpoints {
  kafkaBrokers: string[];
  /** Base URL of a Confluent-compatible schema registry API (Apicurio's is under /apis/ccompat/v7). */
  schemaRegistryUrl: string;
  redisUrl: string;
  /** How they were provided: environment variables, testcontainers, or scripts/local-stack. */
  source: 'environment' | 'testcontainers' | 'local-stack';
}
