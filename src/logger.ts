import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The server's log: JSON lines. It must never hold a member's personal data or a credential
 * (RELIABILITY I3; test/http/pii-hygiene.test.ts): requests are logged by method, URL and address,
 * never by headers or bodies, and our URLs carry ids, not personal data (tokens ride in bodies and
 * URL fragments). The redaction is a second line, for a header that a plugin might log.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: ['req.headers.authorization', 'req.headers.cookie'] };
  return destination ? pino(options, destination) : pino(options);
}
