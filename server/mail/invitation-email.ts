// Renders the candidate invitation e-mail (subject, plain text, HTML) in the candidate's locale from the catalogue.
import { formatMinutes, resolveLocale, t, type MessageKey, type MessageParams } from '../../shared/i18n/catalogue.ts';

export interface InvitationEmailInput {
  locale?: string | null;
  company: string;
  candidateFirstName?: string | null;
  packageName: string;
  durationMinutes: number;
  /** Absolute http(s) URL of the candidate page, `…/t/<token>`. */
  link: string;
  expiresAt: Date;
  /** IANA zone for the expiry date; the candidate's zone is usually unknown, so UTC is shown explicitly. */
  timeZone?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// Subjects and plain text must stay on one line per field: a newline in a name could forge headers or layout.
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

/** Formatters by locale and time zone: building one costs far more than formatting (one per invitation sent). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatExpiry(locale: 'en' | 'nl', date: Date, timeZone: string): string {
  const key = `${locale} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone });
    if (formatters.size >= 500) formatters.clear(); // time zones come from account settings: bounded anyway
    formatters.set(key, f);
  }
  const formatted = f.format(date);
  return timeZone === 'UTC' ? `${formatted} (UTC)` : formatted;
}

export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  if (!/^https?:\/\//i.test(input.link)) throw new Error('Invitation link must be an absolute http(s) URL');
  const locale = resolveLocale(input.locale ?? undefined);
  const company = oneLine(input.company);
  const packageName = oneLine(input.packageName);
  const firstName = input.candidateFirstName ? oneLine(input.candidateFirstName) : '';
  const params: MessageParams = {
    company,
    package: packageName,
    name: firstName,
    duration: formatMinutes(locale, input.durationMinutes),
    date: formatExpiry(locale, input.expiresAt, input.timeZone ?? 'UTC'),
  };
  const msg = (key: MessageKey) => t(locale, key, params);
  // Escaping the finished sentence covers both the catalogue text and every interpolated value, exactly once.
  const html_ = (key: MessageKey) => escapeHtml(msg(key));
  const greetingKey: MessageKey = firstName ? 'email.greeting' : 'email.greeting_anonymous';

  const subject = msg('email.subject');
  const text = [
    msg(greetingKey),
    '',
    msg('email.intro'),
    msg('email.duration'),
    '',
    `${msg('email.button')}:`,
    input.link,
    '',
    msg('email.expires'),
    msg('email.recorded'),
    '',
    msg('email.signoff'),
    '',
    '--',
    msg('email.footer'),
    '',
  ].join('\n');

  const link = escapeHtml(input.link);
  const p = 'margin:0 0 16px 0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;';
  const small = 'margin:0 0 8px 0;font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.5;color:#52606d;';
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f5f7fa;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f5f7fa;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-radius:8px;">
<tr><td style="padding:32px 28px;">
<p style="${p}">${html_(greetingKey)}</p>
<p style="${p}">${html_('email.intro')}</p>
<p style="${p}">${html_('email.duration')}</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px 0;">
<tr><td align="center" bgcolor="#1d4ed8" style="border-radius:6px;background:#1d4ed8;">
<a href="${link}" target="_blank" rel="noopener" style="display:inline-block;padding:14px 28px;font-family:Arial,Helvetica,sans-serif;font-size:16px;font-weight:bold;line-height:1.2;color:#ffffff;text-decoration:none;border-radius:6px;">${html_('email.button')}</a>
</td></tr>
</table>
<p style="${small}">${html_('email.link_fallback')}</p>
<p style="${small}word-break:break-all;"><a href="${link}" style="color:#1d4ed8;">${link}</a></p>
<p style="${p}margin-top:16px;">${html_('email.expires')}</p>
<p style="${p}">${html_('email.recorded')}</p>
<p style="${p}">${html_('email.signoff')}</p>
</td></tr>
</table>
<p style="${small}padding:16px 12px;text-align:center;">${html_('email.footer')}</p>
</td></tr>
</table>
</body>
</html>
`;
  return { subject, text, html };
}
