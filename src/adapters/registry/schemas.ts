import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { z } from 'zod';
import type { ServiceEnv } from '../../config/env.ts';
import { alertSchema } from '../../domain/alert.ts';
import { configAuditSchema } from '../../domain/config-audit.ts';
import { deadLetterRecordSchema } from '../../domain/dead-letter.ts';
import { rmDigestSchema } from '../../domain/digest.ts';
import { campaignOpportunitySchema } from '../../domain/opportunity.ts';
import { outcomeSchema } from '../../domain/outcome.ts';
import { productEventSchema } from '../../domain/product-event.ts';
import { customerProfileSchema } from '../../domain/profile.ts';
import { transactionSchema } from '../../domain/transaction.ts';
import { redactUrl } from '../../config/redact.ts';
import { createSchemaRegistry, registryConnection, registryRequest } from './client.ts';
import type { RegistryTarget } from './client.ts';

/** Every topic tidewatch reads or writes, by what it is for. */
export const topicRoles = ['transactions', 'profiles', 'outcomes', 'products', 'rmAlerts', 'risk', 'campaign', 'deadLetter', 'rmRoutine', 'rmDigests', 'audit'] as const;
export type TopicRole = (typeof topicRoles)[number];

type TopicEnvName = Extract<keyof ServiceEnv, `TIDEWATCH_TOPIC_${string}`>;

export interface SchemaCatalogEntry {
  /** File name in the repo's avro/ folder. */
  avscFile: string;
  /** The environment variable that names the role's topic. */
  topicEnv: TopicEnvName;
  /** The zod mirror of the Avro schema: what a record must satisfy before it is written. */
  zod: z.ZodType;
}

export const schemaCatalog = {
  transactions: { avscFile: 'Transaction.avsc', topicEnv: 'TIDEWATCH_TOPIC_TRANSACTIONS', zod: transactionSchema },
  profiles: { avscFile: 'CustomerProfile.avsc', topicEnv: 'TIDEWATCH_TOPIC_PROFILES', zod: customerProfileSchema },
  outcomes: { avscFile: 'Outcome.avsc', topicEnv: 'TIDEWATCH_TOPIC_OUTCOMES', zod: outcomeSchema },
  products: { avscFile: 'ProductEvent.avsc', topicEnv: 'TIDEWATCH_TOPIC_PRODUCTS', zod: productEventSchema },
  rmAlerts: { avscFile: 'Alert.avsc', topicEnv: 'TIDEWATCH_TOPIC_RM_ALERTS', zod: alertSchema },
  risk: { avscFile: 'Alert.avsc', topicEnv: 'TIDEWATCH_TOPIC_RISK', zod: alertSchema },
  campaign: { avscFile: 'CampaignOpportunity.avsc', topicEnv: 'TIDEWATCH_TOPIC_CAMPAIGN', zod: campaignOpportunitySchema },
  deadLetter: { avscFile: 'DeadLetter.avsc', topicEnv: 'TIDEWATCH_TOPIC_DEAD_LETTER', zod: deadLetterRecordSchema },
  rmRoutine: { avscFile: 'Alert.avsc', topicEnv: 'TIDEWATCH_TOPIC_RM_ROUTINE', zod: alertSchema },
  rmDigests: { avscFile: 'RmDigest.avsc', topicEnv: 'TIDEWATCH_TOPIC_RM_DIGESTS', zod: rmDigestSchema },
  audit: { avscFile: 'ConfigAudit.avsc', topicEnv: 'TIDEWATCH_TOPIC_AUDIT', zod: configAuditSchema },
} as const satisfies Record<TopicRole, SchemaCatalogEntry>;

/** The record a role's topic carries, as its zod schema describes it. */
export type RecordOf<R extends TopicRole> = z.output<(typeof schemaCatalog)[R]['zod']>;

export type TopicsByRole<R extends TopicRole = TopicRole> = Readonly<Record<R, string>>;
export type SchemaIdsByRole<R extends TopicRole = TopicRole> = Readonly<Record<R, number>>;

export function topicsFromEnv(env: Pick<ServiceEnv, TopicEnvName>): TopicsByRole {
  return Object.fromEntries(topicRoles.map((role) => [role, env[schemaCatalog[role].topicEnv]])) as Record<TopicRole, string>;
}

/** Every role's topic under one prefix (`<prefix>.rm-alerts`): the names a bench, a fault lane or a test suite owns. */
export function topicsUnder(prefix: string): Record<TopicRole, string> {
  return Object.fromEntries(topicRoles.map((role) => [role, `${prefix}.${role.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`])) as Record<TopicRole, string>;
}

/** The `TIDEWATCH_TOPIC_*` variables that name these topics, as `tidewatch run` reads them (only the roles given). */
export function topicVariables(topics: Partial<TopicsByRole>): Record<string, string> {
  return Object.fromEntries(topicRoles.filter((role) => topics[role] !== undefined).map((role) => [schemaCatalog[role].topicEnv, topics[role]!]));
}

/** Topic-name strategy, as Confluent serializers default to: one value subject per topic. */
export const valueSubject = (topic: string): string => `${topic}-value`;

// Same depth below the repo root from src/adapters/registry (tsx) and dist/adapters/registry (tsc output).
const avroFolder = new URL('../../../avro/', import.meta.url);

/** The schema text exactly as in the file; it is registered as is, so the registry shows its docs. */
export function readAvsc(file: string): string {
  return readFileSync(new URL(file, avroFolder), 'utf8');
}

const roleEntries = <R extends TopicRole>(topicsByRole: TopicsByRole<R>) =>
  (Object.keys(topicsByRole) as R[]).map((role) => ({
    role,
    subject: valueSubject(topicsByRole[role]),
    schema: { type: SchemaType.AVRO, schema: readAvsc(schemaCatalog[role].avscFile) } as const,
  }));

const subjectPath = (subject: string) => `/subjects/${encodeURIComponent(subject)}`;

type RegistryAnswer = Awaited<ReturnType<typeof registryRequest>>;

/** A registry call the client has no method for; undefined on 404, the parsed body otherwise. */
async function callRegistry(registry: RegistryTarget, path: string, init: { method?: string; body?: string } = {}): Promise<unknown> {
  return bodyOf(registry, path, init, await registryRequest(registry, path, init));
}

function bodyOf(registry: RegistryTarget, path: string, init: { method?: string }, answer: RegistryAnswer): unknown {
  if (answer.status === 404) return undefined;
  if (answer.status < 200 || answer.status >= 300) {
    const url = redactUrl(`${registryConnection(registry).url.replace(/\/+$/, '')}${path}`);
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
  }
  return JSON.parse(answer.body);
}

/**
 * Pins the subject to BACKWARD compatibility, so that a new version must be able to read every record already
 * on the topic. The client only sets compatibility on a subject's first registration and has no call of its
 * own for it, and the registry's global default may be NONE (Apicurio's is), hence the plain PUT every time.
 */
export async function requireBackwardCompatibility(registry: RegistryTarget, subject: string): Promise<void> {
  const path = `/config/${encodeURIComponent(subject)}`;
  const put = { method: 'PUT', body: JSON.stringify({ compatibility: COMPATIBILITY.BACKWARD }) };
  // two instances starting together both create the subject's rule: Apicurio answers the later one 409 ("a rule
  // named COMPATIBILITY already exists"), and the same PUT again updates the rule that now exists
  let answered = await registryRequest(registry, path, put);
  if (answered.status === 409) answered = await registryRequest(registry, path, put);
  const answer = bodyOf(registry, path, put, answered);
  if (answer === undefined) throw new Error(`PUT ${path} answered 404: the registry would not pin the subject's compatibility`);
}

/**
 * Registers each role's schema under its topic's value subject (BACKWARD compatibility) and answers the schema
 * ids. Idempotent: an unchanged schema gets its existing id back; an incompatible one is refused by the registry.
 */
export async function registerSchemas<R extends TopicRole>(target: RegistryTarget, topicsByRole: TopicsByRole<R>): Promise<SchemaIdsByRole<R>> {
  const connection = registryConnection(target);
  const registry = createSchemaRegistry(connection);
  const ids: Partial<Record<R, number>> = {};
  for (const { role, subject, schema } of roleEntries(topicsByRole)) {
    await requireBackwardCompatibility(connection, subject);
    const { id } = await withRetries(() => registry.register(schema, { subject, compatibility: COMPATIBILITY.BACKWARD }));
    ids[role] = id;
  }
  return ids as Record<R, number>;
}

const versionList = z.array(z.number().int());
const subjectVersion = z.object({ id: z.number().int().positive(), schema: z.string() });

/**
 * Apicurio's lookup by schema only matches byte-identical text, so a schema a pipeline registered reformatted
 * (minified, say) is not found by it. Same JSON, newest version first, is what counts here.
 */
async function findSameJsonVersion(registry: RegistryTarget, subject: string, schemaText: string): Promise<number | undefined> {
  const versionsPath = `${subjectPath(subject)}/versions`;
  const versions = await callRegistry(registry, versionsPath);
  if (versions === undefined) return undefined;
  const wanted: unknown = JSON.parse(schemaText);
  for (const version of versionList.parse(versions).sort((a, b) => b - a)) {
    const found = await callRegistry(registry, `${versionsPath}/${version}`);
    if (found === undefined) continue; // deleted meanwhile
    const { id, schema } = subjectVersion.parse(found);
    if (isDeepStrictEqual(JSON.parse(schema), wanted)) return id;
  }
  return undefined;
}

const httpStatusOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'status' in error ? (error as { status: unknown }).status : undefined;

const REGISTER_ATTEMPTS = 4;

/**
 * Replicas starting together register the same subject at once; the registry lets one create it and refuses the
 * others ("already exists"), which then find it registered on the next attempt. A refusal that persists (an
 * incompatible schema) is thrown after the last attempt.
 */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= REGISTER_ATTEMPTS) throw error;
      await new Promise((resolveLater) => setTimeout(resolveLater, 100 * 2 ** tried));
    }
  }
}

/**
 * Finds the ids of schemas someone else registered (a deployment pipeline), for when tidewatch must not
 * register. Only this schema (as JSON, whatever its formatting) matches: a subject without it is an error, not a
 * silent fallback to another version.
 */
export async function lookUpSchemaIds<R extends TopicRole>(target: RegistryTarget, topicsByRole: TopicsByRole<R>): Promise<SchemaIdsByRole<R>> {
  const connection = registryConnection(target);
  const registry = createSchemaRegistry(connection);
  const ids: Partial<Record<R, number>> = {};
  for (const { role, subject, schema } of roleEntries(topicsByRole)) {
    let id: number | undefined;
    try {
      id = await registry.getRegistryIdBySchema(subject, schema);
    } catch (error) {
      // the client turns "not found" into an error without a status; any other answer is the registry's trouble
      if (httpStatusOf(error) !== undefined) throw error;
      id = await findSameJsonVersion(connection, subject, schema.schema);
    }
    if (id === undefined) throw new Error(`schema ${schemaCatalog[role].avscFile} is not registered under subject ${subject}`);
    ids[role] = id;
  }
  return ids as Record<R, number>;
}
