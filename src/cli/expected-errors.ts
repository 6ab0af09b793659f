import { isConnectionFailure, redactSecrets } from '../adapters/unreachable.ts';
import { fileErrorReason } from '../generate/output-file.ts';

/**
 * Which failures of a command are expected (a missing file, bad rules, an unwritable output, a dependency that does
 * not answer) and how to say each in one line. Anything else is a bug and keeps its stack trace.
 */

/** Errors whose message is already the one line to show: mistakes in what the command was given, or where it runs. */
const STATED = new Set([
  'ConfigError',
  'InputError',
  'CsvHeaderError',
  'BerkaFormatError',
  'RmAssignmentError',
  'RulesError',
  'ReportInputError',
  'BankSourceError',
  'BankOptionsError',
  'TokensFileError',
  'OutputError',
  'UnreachableError',
  // tidewatch rebuild will not run: a service still in the group, an evicting Redis, history no longer complete
  'RebuildRefusedError',
  // a connection that failed at start-up (src/adapters/connection-error.ts): its message names the endpoint, redacted
  'ServiceConnectionError',
]);

/** File errors a user causes (a path that is not there, not readable, not writable); mapped to words. */
const FILE_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EEXIST', 'EFBIG', 'ELOOP', 'ENAMETOOLONG']);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10) {
    chain.push(current);
    current = (current as { cause?: unknown; originalError?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return chain;
}

const nameOf = (error: unknown): string => (error instanceof Error ? error.name : '');
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** host:port of each configured dependency, to say which one an address belongs to. */
function dependencyAt(address: string, env: NodeJS.ProcessEnv): string | undefined {
  const hostPort = (url: string | undefined, fallbackPort: string) => {
    try {
      const parsed = new URL(url ?? '');
      return `${parsed.hostname}:${parsed.port || fallbackPort}`;
    } catch {
      return undefined;
    }
  };
  if (hostPort(env['REDIS_URL'], '6379') === address) return 'Redis';
  const registry = env['SCHEMA_REGISTRY_URL'];
  if (registry !== undefined && hostPort(registry, registry.startsWith('https:') ? '443' : '80') === address) return 'the schema registry';
  if ((env['KAFKA_BROKERS'] ?? '').split(',').map((broker) => broker.trim()).includes(address)) return 'Kafka';
  return undefined;
}

/** The one line for an expected error (without the `tidewatch: ` prefix), or undefined for a bug. */
export function expectedErrorLine(error: unknown, env: NodeJS.ProcessEnv): string | undefined {
  const line = describe(error, env);
  return line === undefined ? undefined : redactSecrets(line);
}

function describe(error: unknown, env: NodeJS.ProcessEnv): string | undefined {
  if (STATED.has(nameOf(error))) return messageOf(error);
  const chain = causes(error);

  // kafkajs: connection and authentication failures, wherever they are in the chain of causes
  if (chain.some((link) => nameOf(link).startsWith('KafkaJS'))) {
    const brokers = env['KAFKA_BROKERS'] ?? '(KAFKA_BROKERS)';
    const sasl = chain.find((link) => nameOf(link) === 'KafkaJSSASLAuthenticationError');
    if (sasl !== undefined) return `Kafka at ${brokers} refused the credentials: ${messageOf(sasl)}`;
    const connection = chain.find((link) => ['KafkaJSConnectionError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError'].includes(nameOf(link)));
    if (connection !== undefined) return `cannot reach Kafka at ${brokers}: ${messageOf(connection)}`;
    return undefined;
  }

  // ioredis gives up on a connection it never had with this message
  if (chain.some((link) => nameOf(link) === 'MaxRetriesPerRequestError' || messageOf(link) === 'Connection is closed.')) {
    return `cannot reach Redis at ${env['REDIS_URL'] ?? '(REDIS_URL)'}: connection refused or closed`;
  }

  // fetch (the registry calls) fails with 'fetch failed' and the reason in `cause`
  const fetchFailure = chain.findIndex((link) => link instanceof TypeError && link.message === 'fetch failed');
  if (fetchFailure >= 0) {
    const reason = chain[fetchFailure + 1];
    const said = reason === undefined ? 'no answer' : ((reason as NodeJS.ErrnoException).code ?? messageOf(reason));
    return `cannot reach the schema registry at ${env['SCHEMA_REGISTRY_URL'] ?? '(SCHEMA_REGISTRY_URL)'}: ${said}`;
  }
  if (chain.some((link) => nameOf(link) === 'TimeoutError' && /aborted due to timeout/.test(messageOf(link)))) {
    return `cannot reach the schema registry at ${env['SCHEMA_REGISTRY_URL'] ?? '(SCHEMA_REGISTRY_URL)'}: no answer in time`;
  }

  // a socket that did not connect
  const refused = chain.find(isConnectionFailure);
  if (refused !== undefined) {
    const { address, port, hostname } = refused as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
    const where = address !== undefined && port !== undefined ? `${address}:${port}` : (hostname ?? '');
    const service = dependencyAt(where, env);
    return `cannot reach ${service ?? where}${service === undefined ? '' : ` at ${where}`}: ${refused.code}`;
  }

  // a file the command was pointed at, or writes to
  const file = chain.find((link) => FILE_CODES.has((link as NodeJS.ErrnoException).code ?? '') && typeof (link as NodeJS.ErrnoException).path === 'string');
  if (file !== undefined) {
    const { path, syscall } = file as NodeJS.ErrnoException;
    const shown = (path ?? '').replace(/\.partial$/, '');
    const verb = syscall === 'open' || syscall === 'stat' || syscall === 'scandir' || syscall === 'read' ? '' : 'cannot write ';
    return `${verb}${shown}: ${(file as NodeJS.ErrnoException).code === 'ENOENT' && verb === '' ? 'no such file or folder' : fileErrorReason(file)}`;
  }
  return undefined;
}
