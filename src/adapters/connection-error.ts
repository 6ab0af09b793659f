import { redactUrlsIn } from '../config/redact.ts';

/**
 * A service tidewatch needs could not be reached or refused its credentials. The message is one line naming the
 * endpoint (URLs redacted) and how tidewatch logged in, never a secret; the CLI prints it without a stack.
 */
export class ServiceConnectionError extends Error {
  override readonly name = 'ServiceConnectionError';
}

/** Runs a connection step; a failure becomes a ServiceConnectionError that says which endpoint, and why. */
export async function connecting<T>(endpoint: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceConnectionError(`cannot connect to ${endpoint}: ${redactUrlsIn(reason.split('\n')[0] ?? '')}`);
  }
}
