import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { PermanentError, RetryableError } from '../http/client.ts';
import { redact } from '../log.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Names the .eml file so erasure can find every mail about an order. */
  tag: string;
}

export interface Mailer {
  send(mail: Mail): Promise<{ messageId: string }>;
  /** Deletes stored copies (.eml files) whose tag matches, for erasure. */
  eraseTagged(tag: string): number;
  readonly from: string;
}

export function createMailer(opts: { smtpUrl: string | null; dataDir: string; from?: string }): Mailer {
  const from = opts.from ?? 'Assay <no-reply@assay.localhost>';
  const dir = join(opts.dataDir, 'mail');
  // nodemailer is loaded with the first mail, not at start: a process that sends none never carries it.
  let transport: Promise<Transporter> | null = null;
  const transporter = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      opts.smtpUrl
        ? nodemailer.createTransport(opts.smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 })
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    ));
  return {
    from,
    async send(mail) {
      try {
        // Quoted-printable, as nodemailer picks it anyway for text that is mostly Latin letters (every catalogue
        // language): told so, it skips counting the letters of every part and header with a regular expression
        // each time (a sixth of its work per invitation in the ingest profile, issue 19).
        const info = await (await transporter()).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, textEncoding: 'quoted-printable' });
        if (!opts.smtpUrl) {
          mkdirSync(dir, { recursive: true });
          const name = `${Date.now()}-${mail.tag}.eml`;
          const tmp = join(dir, `.${name}.tmp`);
          writeFileSync(tmp, (info as unknown as { message: Buffer }).message);
          renameSync(tmp, join(dir, name)); // atomic: a reader never sees half a message
        }
        return { messageId: info.messageId };
      } catch (err) {
        // SMTP refusals quote the recipient: redacted before the outbox stores them. A 5xx reply (e.g. 550 no such mailbox) will not change on retry: the invitation can never be delivered.
        const code = (err as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500 && code < 600) throw new PermanentError(redact(`mail refused: ${(err as Error).message}`));
        throw new RetryableError(redact(`mail not sent: ${(err as Error).message}`));
      }
    },
    eraseTagged(tag) {
      let n = 0;
      try {
        for (const f of readdirSync(dir)) {
          if (f.includes(`-${tag}.eml`)) (rmSync(join(dir, f)), n++);
        }
      } catch {
        /* no mail folder yet */
      }
      return n;
    },
  };
}
