import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { Temporal } from 'temporal-polyfill';
import { TestClock } from '../clock.js';
import { statement, type Queryable } from '../db/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { createMailer, enqueueEmail, transportFromUrl, type Mailer, type MailerLog } from './index.js';

const T0 = Temporal.Instant.from('2026-04-10T03:00:00Z');
const FROM = '"Flets Club" <no-reply@club.example.jp>';
const vars = { expiresAt: T0.add({ minutes: 30 }), programName: 'Flets Club', timeZone: 'Asia/Tokyo' };

interface Received {
  to: string[];
  subject: string;
  text: string;
  headers: Map<string, string>;
}

/** A real SMTP server on an ephemeral port that keeps what it receives; it can refuse or hold. */
async function startSink() {
  const sink = {
    port: 0,
    received: [] as Received[],
    /** RCPT TO answers 451 (try later) while true. */
    refusing: false,
    /** DATA is answered only when this settles. */
    hold: Promise.resolve(),
    /** Called when a message's DATA has arrived, before it is answered. */
    onData: () => {},
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(sink.refusing ? Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        sink.onData();
        void sink.hold.then(() => {
          sink.received.push(parseMessage(Buffer.concat(chunks).toString('latin1'), session.envelope.rcptTo.map((a) => a.address)));
          callback(null);
        });
      });
    },
  });
  await new Promise<void>((resolve) => {
    const listening = server.listen(0, '127.0.0.1', () => {
      sink.port = (listening.address() as AddressInfo).port;
      resolve();
    });
  });
  return sink;
}

/** Just enough MIME for the tests: unfolded headers, encoded-word subjects, QP or base64 bodies. */
function parseMessage(raw: string, to: string[]): Received {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const bytes = encoding === 'base64' ? Buffer.from(body, 'base64') : encoding === 'quoted-printable' ? quotedPrintable(body.replace(/=\r\n/g, '')) : Buffer.from(body, 'latin1');
  return { to, subject: decodeWords(headers.get('subject') ?? ''), text: bytes.toString('utf8').replace(/\r\n/g, '\n'), headers };
}

function quotedPrintable(text: string): Buffer {
  return Buffer.from(text.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

/** RFC 2047: bytes of adjacent encoded words join before UTF-8 decoding; the space between them goes. */
function decodeWords(value: string): string {
  const parts: Buffer[] = [];
  let last = 0;
  for (const word of value.matchAll(/=\?utf-8\?([bq])\?([^?]*)\?=/gi)) {
    const between = value.slice(last, word.index);
    if (last === 0 || !/^\s*$/.test(between)) parts.push(Buffer.from(between, 'latin1'));
    const [, kind = '', text = ''] = word;
    parts.push(kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : quotedPrintable(text.replace(/_/g, ' ')));
    last = word.index + word[0].length;
  }
  parts.push(Buffer.from(value.slice(last), 'latin1'));
  return Buffer.concat(parts).toString('utf8');
}

function logCollector(): MailerLog & { lines: { level: string; fields: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    assert.ok(waited < 10_000, `timed out waiting until ${what}`);
    await sleep(10);
  }
}

const messageRow = statement('test.outbox.row', `
  select status, attempts, body, secret, sent_at, next_attempt_at, last_error, lease_until, member_id from outbox_messages where id = $1`);
interface MessageRow {
  status: string;
  attempts: number;
  body: string | null;
  secret: boolean;
  sent_at: Temporal.Instant | null;
  next_attempt_at: Temporal.Instant;
  last_error: string | null;
  lease_until: Temporal.Instant | null;
  member_id: string | null;
}

let links = 0;
/** Writes a password-reset email with a link of its own; returns the id, address and link. */
async function givenResetEmail(q: Queryable, clock: TestClock, to = `member${links + 1}@example.jp`) {
  links += 1;
  const link = `https://club.example.jp/password-reset?t=pbl_${links}_${'x'.repeat(60)}`;
  const { id } = await enqueueEmail(q, { memberId: 'mbr_test', to, template: 'password_reset', locale: 'en', vars: { ...vars, link } }, { now: clock.now(), actor: 'test' });
  return { id, to, link };
}

describe('transportFromUrl', () => {
  it('makes SMTP transports from smtp:// and smtps:// URLs', () => {
    for (const url of ['smtp://127.0.0.1:2525', 'smtps://user:secret@mail.example.jp:465', 'SMTP://mail.example.jp?pool=true']) {
      const transport = transportFromUrl(url);
      transport.close();
    }
  });
  it('refuses other URLs without repeating them (they may hold a password)', () => {
    for (const url of ['https://user:secret@mail.example.jp', 'mail.example.jp:25', '']) {
      assert.throws(() => transportFromUrl(url), (error: Error) => /smtp:\/\/ or smtps:\/\//.test(error.message) && !error.message.includes('secret'));
    }
  });
});

describeStorage('email outbox delivered over SMTP', (ctx) => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  const mailers: Mailer[] = [];

  before(async () => {
    sink = await startSink();
  });
  afterEach(async () => {
    await Promise.all(mailers.splice(0).map((m) => m.stop()));
    sink.received = [];
    sink.refusing = false;
  });
  after(() => sink.close());

  function mailerAt(clock: TestClock, log: MailerLog = logCollector()): Mailer {
    const mailer = createMailer({ db: ctx.db, transport: transportFromUrl(`smtp://127.0.0.1:${sink.port}`), from: FROM, clock, log });
    mailers.push(mailer);
    return mailer;
  }
  const rowOf = async (id: string) => {
    const [row] = await ctx.db.query<MessageRow>(messageRow, [id]);
    assert.ok(row, `message ${id} exists`);
    return row;
  };

  it('writes nothing and sends nothing when the enqueueing transaction rolls back', async () => {
    const clock = new TestClock(T0);
    let id = '';
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        ({ id } = await givenResetEmail(tx, clock));
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await mailerAt(clock).deliverPending(), { sent: 0, failed: 0 });
    assert.deepEqual(await ctx.db.query(messageRow, [id]), []);
    assert.equal(sink.received.length, 0);
  });

  it('sends a committed message exactly once, with its link, and erases its body', async () => {
    const clock = new TestClock(T0);
    const { id, to, link } = await ctx.db.transaction((tx) => givenResetEmail(tx, clock));
    const before = await rowOf(id);
    assert.equal(before.status, 'pending');
    assert.equal(before.secret, true);
    assert.ok(before.body?.includes(link));

    clock.advance({ seconds: 5 });
    const mailer = mailerAt(clock);
    assert.deepEqual(await mailer.deliverPending(), { sent: 1, failed: 0 });
    assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 0 }, 'sent once');

    assert.equal(sink.received.length, 1);
    const [mail] = sink.received;
    assert.ok(mail);
    assert.deepEqual(mail.to, [to]);
    assert.equal(mail.subject, 'Reset your Flets Club password');
    assert.ok(mail.text.includes(`\n${link}\n`), mail.text);
    assert.ok(mail.text.includes('April 10, 2026'));
    assert.equal(mail.headers.get('message-id'), `<${id}@club.example.jp>`);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');

    const after = await rowOf(id);
    assert.equal(after.status, 'sent');
    assert.equal(after.attempts, 1);
    assert.equal(after.body, null);
    assert.equal(after.lease_until, null);
    assert.ok(after.sent_at?.equals(clock.now()));
  });

  it('delivers Japanese subjects and bodies intact, and erases non-secret bodies too', async () => {
    const clock = new TestClock(T0);
    const to = 'hanako@example.jp';
    const { id } = await ctx.db.transaction((tx) =>
      enqueueEmail(
        tx,
        { memberId: null, to, template: 'credentials_changed', locale: 'ja', vars: { what: 'email', at: T0, programName: 'フレッツ光クラブ', timeZone: 'Asia/Tokyo' } },
        { now: clock.now(), actor: 'test' },
      ),
    );
    assert.deepEqual(await mailerAt(clock).deliverPending(), { sent: 1, failed: 0 });
    const [mail] = sink.received;
    assert.ok(mail);
    assert.equal(mail.subject, '【フレッツ光クラブ】メールアドレスが変更されました');
    assert.ok(mail.text.includes('2026年4月10日 12:00 JSTに、フレッツ光クラブのメールアドレスが変更されました。'), mail.text);
    const row = await rowOf(id);
    assert.equal(row.secret, false);
    assert.equal(row.member_id, null);
    assert.equal(row.body, null);
  });

  it('retries a refused send with backoff, and sends it once the server accepts', async () => {
    const clock = new TestClock(T0);
    const log = logCollector();
    const mailer = mailerAt(clock, log);
    const { id, to, link } = await ctx.db.transaction((tx) => givenResetEmail(tx, clock));
    sink.refusing = true;

    assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 1 });
    let row = await rowOf(id);
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /451/);
    assert.ok(row.next_attempt_at.equals(T0.add({ minutes: 1 })));
    assert.ok(row.body?.includes(link), 'the body waits for the retry');
    assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 0 }, 'not due before its time');

    clock.advance({ minutes: 1 });
    assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 1 });
    row = await rowOf(id);
    assert.equal(row.attempts, 2);
    assert.ok(row.next_attempt_at.equals(T0.add({ minutes: 3 })), 'then 2 minutes');

    sink.refusing = false;
    clock.advance({ minutes: 2 });
    assert.deepEqual(await mailer.deliverPending(), { sent: 1, failed: 0 });
    row = await rowOf(id);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 3);
    assert.equal(row.body, null);
    assert.deepEqual(sink.received.map((m) => m.to), [[to]]);

    const failures = log.lines.filter((l) => l.level === 'error');
    assert.equal(failures.length, 2);
    assert.deepEqual(failures[0]?.fields, { messageId: id, attempts: 1, code: 'EENVELOPE', responseCode: 451 });
    const logged = JSON.stringify(log.lines);
    assert.ok(!logged.includes(to) && !logged.includes(link), 'logs carry no address or body');
  });

  it('gives a message up after 8 attempts and erases its body', async () => {
    const clock = new TestClock(T0);
    const log = logCollector();
    const mailer = mailerAt(clock, log);
    const { id } = await ctx.db.transaction((tx) => givenResetEmail(tx, clock));
    sink.refusing = true;
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 1 }, `attempt ${attempt}`);
      clock.advance({ hours: 1 });
    }
    assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 0 });
    const row = await rowOf(id);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 8);
    assert.equal(row.body, null);
    assert.match(row.last_error ?? '', /451/);
    assert.equal(log.lines.at(-1)?.message, 'outbox: send failed; given up');
  });

  it('leaves messages in the outbox while no transport is configured', async () => {
    const clock = new TestClock(T0);
    const { id } = await ctx.db.transaction((tx) => givenResetEmail(tx, clock));
    const idle = createMailer({ db: ctx.db, transport: undefined, from: FROM, clock, log: pino({ level: 'silent' }) });
    idle.start();
    idle.kick();
    assert.deepEqual(await idle.deliverPending(), { sent: 0, failed: 0 });
    await idle.stop();
    assert.equal((await rowOf(id)).status, 'pending');

    assert.deepEqual(await mailerAt(clock).deliverPending(), { sent: 1, failed: 0 }, 'a configured deliverer sends it later');
  });

  it('never sends a message twice when deliverers run at once', async () => {
    const clock = new TestClock(T0);
    const ids = new Set<string>();
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 40; i += 1) ids.add((await givenResetEmail(tx, clock)).id);
    });
    const [a, b, c] = [mailerAt(clock), mailerAt(clock), mailerAt(clock)];
    assert.ok(a && b && c);
    const counts = await Promise.all([a.deliverPending(100), b.deliverPending(100), c.deliverPending(100), a.deliverPending(100)]);
    assert.equal(counts.reduce((sum, n) => sum + n.sent, 0), 40);
    assert.equal(counts.reduce((sum, n) => sum + n.failed, 0), 0);
    const delivered = sink.received.map((m) => m.headers.get('message-id'));
    assert.equal(delivered.length, 40);
    assert.deepEqual(new Set(delivered), new Set([...ids].map((id) => `<${id}@club.example.jp>`)));
  });

  it('coalesces kicks, and stop() waits for the send under way', async () => {
    const clock = new TestClock(T0);
    const mailer = mailerAt(clock);
    const { id } = await ctx.db.transaction((tx) => givenResetEmail(tx, clock));
    let release = () => {};
    let arrived = false;
    sink.hold = new Promise((resolve) => (release = resolve));
    sink.onData = () => (arrived = true);
    try {
      mailer.kick();
      mailer.kick();
      mailer.kick();
      await until(() => arrived, 'the message reaches the server');
      let stopped = false;
      const stopping = mailer.stop().then(() => (stopped = true));
      await sleep(100);
      assert.equal(stopped, false, 'stop() waits while the server has not answered');
      release();
      await stopping;
    } finally {
      release();
      sink.hold = Promise.resolve();
      sink.onData = () => {};
    }
    assert.equal((await rowOf(id)).status, 'sent', 'the send was recorded before stop() resolved');
    assert.equal(sink.received.length, 1);

    await givenResetEmail(ctx.db, clock);
    mailer.kick();
    assert.deepEqual(await mailer.deliverPending(), { sent: 0, failed: 0 }, 'a stopped deliverer sends nothing');
    assert.deepEqual(await mailerAt(clock).deliverPending(), { sent: 1, failed: 0 });
  });

  it('start() delivers what is already waiting', async () => {
    const clock = new TestClock(T0);
    const { to } = await ctx.db.transaction((tx) => givenResetEmail(tx, clock));
    mailerAt(clock).start();
    await until(() => sink.received.length === 1, 'the waiting message is sent');
    assert.deepEqual(sink.received[0]?.to, [to]);
  });
});
