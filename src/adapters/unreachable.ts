/**
 * A dependency (Kafka, the schema registry, Redis) that does not answer: an expected failure the CLI reports in one
 * line naming the address, with any password in it replaced.
 */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(service: string, address: string, reason: string) {
    super(`cannot reach ${service} at ${redactSecrets(address)}: ${redactSecrets(reason)}`);
  }
}

/** Every `scheme://user:password@` in a text, with the password replaced by `***` (the user stays, it helps). */
export function redactSecrets(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]*)@/gi, '$1$2:***@');
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Whether an errno error is a failure to connect (as opposed to, say, a file that is missing). */
export function isConnectionFailure(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}
