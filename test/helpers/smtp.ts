// A real SMTP server on loopback (smtp-server), no TLS, no auth, for the server's SMTP_URL: it keeps every
// message it accepts, or (refuseRecipients) refuses every recipient for good, quoting the address as
// Postfix does.
import { SMTPServer } from 'smtp-server';
import { freePort } from './net.ts';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  /** Messages accepted, in order. */
  mails: CapturedMail[];
  /** Recipients refused so far (refuseRecipients only). */
  readonly refused: number;
  stop(): Promise<void>;
}

export async function startSmtp(opts: { refuseRecipients?: boolean } = {}): Promise<TestSmtp> {
  const mails: CapturedMail[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!opts.refuseRecipients) return callback();
      refused++;
      callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown in virtual mailbox table`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    get refused() {
      return refused;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
