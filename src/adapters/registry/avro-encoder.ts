import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createSchemaRegistry, registryConnection } from './client.ts';
import type { RegistryTarget } from './client.ts';
import { lookUpSchemaIds, registerSchemas, schemaCatalog } from './schemas.ts';
import type { RecordOf, SchemaCatalogEntry, SchemaIdsByRole, TopicRole, TopicsByRole } from './schemas.ts';

/** A record its role's schema rejects: a bug upstream, never written to the topic. */
export class RecordValidationError extends Error {
  override readonly name = 'RecordValidationError';

  constructor(
    readonly role: TopicRole,
    /** One `path: problem` line per offending field. */
    readonly problems: readonly string[],
  ) {
    super(`${role} record rejected before writing: ${problems.join('; ')}`);
  }
}

export interface ConnectOptions {
  /** Register the schemas (TIDEWATCH_REGISTER_SCHEMAS); otherwise look up the ones a pipeline registered. */
  register: boolean;
}

/** avsc's verdict, as the client reports it: the paths of the values the Avro type cannot hold. */
const avroInvalidPaths = (error: unknown): string[][] | undefined =>
  typeof error === 'object' && error !== null && 'paths' in error && Array.isArray(error.paths) ? (error.paths as string[][]) : undefined;

/**
 * Encodes records for output topics as Confluent-framed Avro under a schema id fixed at start-up, so that the
 * hot path never asks the registry which id to use (the client caches the parsed schema after the first record).
 * Timestamps and dates stay plain numbers: the client parses schemas without avsc logical-type handlers, so
 * `timestamp-millis` and `date` are written and read as their underlying long and int.
 */
export class AvroEncoder<R extends TopicRole = TopicRole> {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly schemaIds: SchemaIdsByRole<R>,
  ) {}

  static async connect<R extends TopicRole>(
    registry: RegistryTarget,
    topicsByRole: TopicsByRole<R>,
    options: ConnectOptions,
  ): Promise<AvroEncoder<R>> {
    const connection = registryConnection(registry);
    const schemaIds = options.register ? await registerSchemas(connection, topicsByRole) : await lookUpSchemaIds(connection, topicsByRole);
    return new AvroEncoder(createSchemaRegistry(connection), schemaIds);
  }

  schemaIdOf(role: R): number {
    return this.schemaIds[role];
  }

  /**
   * Validates against the role's zod schema first, so a bad record fails with its fields named. avsc then has
   * the last word on what zod cannot see: it refuses longs beyond ±(2^53 - 2), two short of Number.MAX_SAFE_INTEGER.
   */
  async encode<Role extends R>(role: Role, record: RecordOf<Role>): Promise<Buffer> {
    const entry: SchemaCatalogEntry = schemaCatalog[role];
    const parsed = entry.zod.safeParse(record);
    if (!parsed.success) {
      throw new RecordValidationError(role, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
    }
    try {
      return await this.registry.encode(this.schemaIds[role], parsed.data);
    } catch (error) {
      const paths = avroInvalidPaths(error);
      if (paths === undefined) throw error; // the registry, not the record
      throw new RecordValidationError(role, paths.map((path) => `${path.join('.') || '(root)'}: not representable in ${entry.avscFile}`));
    }
  }
}
