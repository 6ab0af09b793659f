const SECRET_QUERY_KEY = /pass|secret|token|key|auth|credential/i;
const REDACTED = '***';

/**
 * A URL fit for a log line or an error message: the password (and any secret-looking query value, e.g. ioredis'
 * `?password=`) replaced by `***`; the user name stays, it says who was refused. A string that is not a URL is
 * returned with anything between `//` and `@` masked, in case it holds credentials after all.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/g, `//${REDACTED}@`);
  }
  if (url.password !== '') url.password = REDACTED;
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_KEY.test(key)) url.searchParams.set(key, REDACTED);
  }
  return url.toString();
}

/** Every URL inside a text (an error message from a client library, say) redacted as redactUrl does. */
export function redactUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url));
}
