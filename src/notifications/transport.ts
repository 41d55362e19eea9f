import { createTransport, type Transporter } from 'nodemailer';

/**
 * An SMTP transport from a URL: `smtp://user:pass@host:587` (STARTTLS when the server offers it),
 * `smtps://user:pass@host:465` (TLS from the start). Query parameters set any other nodemailer
 * option, e.g. `?pool=true` to reuse connections. Timeouts are shorter than nodemailer's defaults
 * (2 and 10 minutes) so a dead relay fails a send in well under the outbox lease (5 minutes).
 */
export function transportFromUrl(url: string): Transporter {
  const protocol = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (protocol !== 'smtp' && protocol !== 'smtps') throw new Error('the SMTP URL must start with smtp:// or smtps://');
  return createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
}
