/**
 * An endpoint as it may be recorded or printed (journal, log, run record, summary, report, console):
 * no user name or password, and the values of query parameters that look like credentials or
 * signatures replaced by `redacted`. The client itself still calls the endpoint as given.
 */
const SECRET_PARAMETER = /sig|token|key|secret|pass|auth|credential|session/i;

export function shownEndpoint(endpoint: string): string {
  const url = URL.parse(endpoint);
  // Not a URL (the settings refuse one, but a record may come from elsewhere): drop any `user@`.
  if (url === null) return endpoint.replace(/[^\s/@]+@/g, '');
  const secrets = [...url.searchParams.keys()].filter((name) => SECRET_PARAMETER.test(name));
  if (url.username === '' && url.password === '' && secrets.length === 0) return endpoint;
  url.username = '';
  url.password = '';
  for (const name of secrets) url.searchParams.set(name, 'redacted');
  return url.href;
}
