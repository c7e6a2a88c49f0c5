// The e-mail with a set-password link: an invitation to a company's dashboard, or a password reset.
// The company's name (and logo, when it has one) come from the account's settings.
import { escapeHtml, type RenderedEmail } from './invitation-email.ts';

export interface PasswordLinkEmailInput {
  purpose: 'invite' | 'reset';
  company: string;
  logoUrl: string | null;
  /** Who invited (name or e-mail), for invitations. */
  invitedBy: string | null;
  /** Absolute URL with the token in its fragment. */
  link: string;
  /** In words: "7 days", "1 hour". */
  validFor: string;
}

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

export function renderPasswordLinkEmail(i: PasswordLinkEmailInput): RenderedEmail {
  if (!/^https?:\/\//i.test(i.link)) throw new Error('The link must be an absolute http(s) URL');
  const company = oneLine(i.company);
  const invite = i.purpose === 'invite';
  const subject = invite ? `You are invited to ${company} on Assay` : `Reset your Assay password for ${company}`;
  const lines = invite
    ? [`${i.invitedBy ? oneLine(i.invitedBy) : 'An admin'} invited you to the assessment dashboard of ${company}.`, 'Choose your password to join:']
    : ['Someone (we hope you) asked to reset your password for the assessment dashboard.', 'Choose a new password:'];
  const after = [`The link works once, for ${i.validFor}.`, invite ? '' : 'If you did not ask for this, ignore this e-mail: your password stays as it is.'].filter(Boolean);
  const text = [...lines, i.link, '', ...after, '', `-- ${company}`, ''].join('\n');
  const p = 'margin:0 0 16px 0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;';
  const link = escapeHtml(i.link);
  const logo = i.logoUrl && /^https:\/\//.test(i.logoUrl) ? `<p style="${p}"><img src="${escapeHtml(i.logoUrl)}" alt="${escapeHtml(company)}" style="max-height:48px;max-width:200px;"></p>` : '';
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px 12px;background:#f5f7fa;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px 28px;">
${logo}
${lines.map((l) => `<p style="${p}">${escapeHtml(l)}</p>`).join('\n')}
<p style="${p}"><a href="${link}" style="display:inline-block;padding:12px 24px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;">${invite ? 'Choose my password' : 'Choose a new password'}</a></p>
<p style="${p}word-break:break-all;font-size:13px;"><a href="${link}" style="color:#1d4ed8;">${link}</a></p>
${after.map((l) => `<p style="${p}">${escapeHtml(l)}</p>`).join('\n')}
<p style="${p}color:#52606d;">${escapeHtml(company)}</p>
</div>
</body>
</html>
`;
  return { subject, text, html };
}
