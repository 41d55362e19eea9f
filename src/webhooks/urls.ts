/** Why a URL cannot receive webhooks; undefined when it can. */
export type UrlProblem = 'invalid' | 'not_https' | 'credentials' | 'too_long';

const maxLength = 2048;
// Plain HTTP only to this machine, for development and tests: anywhere else the payload and its
// signature would cross networks in the clear.
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a subscription's URL. Pure. HTTPS, or HTTP to localhost / 127.0.0.1 / [::1]; no user or
 * password in it (the URL is shown in the delivery log to support staff); at most 2,048 characters.
 */
export function webhookUrlProblem(url: string): UrlProblem | undefined {
  if (url.length > maxLength) return 'too_long';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid';
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopbackHosts.has(parsed.hostname))) return 'not_https';
  if (parsed.username !== '' || parsed.password !== '') return 'credentials';
  return undefined;
}

export const urlProblemMessages: Record<UrlProblem, string> = {
  invalid: 'The url is not an absolute URL',
  not_https: 'Webhook URLs must use https:// (http:// only to localhost or 127.0.0.1)',
  credentials: 'The url must not carry a user name or password; authenticate deliveries by their signature',
  too_long: `The url is longer than ${maxLength} characters`,
};
