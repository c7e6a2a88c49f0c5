import { describe, expect, it } from 'vitest';
import { renderInvitationEmail } from '../../server/mail/invitation-email.ts';

const base = {
  locale: 'en',
  company: 'Acme BV',
  candidateFirstName: 'Ada',
  packageName: 'Numerical Reasoning',
  durationMinutes: 22,
  link: 'https://assay.example/t/abc123_DEF',
  expiresAt: new Date('2026-12-03T16:30:00Z'),
};

describe('invitation e-mail', () => {
  it('names the company, the package and the time it needs, and links to the candidate page (English)', () => {
    const mail = renderInvitationEmail(base);
    expect(mail.subject).toBe('Acme BV invites you to take the Numerical Reasoning assessment');
    expect(mail.text).toContain('Hello Ada,');
    expect(mail.text).toContain('Acme BV has invited you to take the Numerical Reasoning assessment.');
    expect(mail.text).toContain('It takes about 22 minutes.');
    expect(mail.text).toContain('\nhttps://assay.example/t/abc123_DEF\n');
    expect(mail.text).toContain('The link is valid until 3 December 2026 at 16:30 (UTC).');
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.html).toMatch(/<a href="https:\/\/assay\.example\/t\/abc123_DEF"[^>]*>Start the assessment<\/a>/);
    expect(mail.html).toContain('22 minutes');
    expect(mail.html).not.toMatch(/<img\b/i);
  });

  it('renders Dutch for nl and nl-BE', () => {
    for (const locale of ['nl', 'nl-BE']) {
      const mail = renderInvitationEmail({ ...base, locale, durationMinutes: 1 });
      expect(mail.subject).toBe('Acme BV nodigt je uit voor het assessment Numerical Reasoning');
      expect(mail.text).toContain('Hallo Ada,');
      expect(mail.text).toContain('Het duurt ongeveer 1 minuut.');
      expect(mail.text).toContain('De link is geldig tot 3 december 2026');
      expect(mail.html).toContain('<html lang="nl">');
      expect(mail.html).toContain('>Start het assessment</a>');
    }
  });

  it('falls back to English and an anonymous greeting', () => {
    const mail = renderInvitationEmail({ ...base, locale: 'de', candidateFirstName: null });
    expect(mail.text.startsWith('Hello,\n')).toBe(true);
    expect(mail.html).toContain('Hello,</p>');
  });

  it('escapes every interpolated value in the HTML, keeps the text readable, and keeps the subject on one line', () => {
    const mail = renderInvitationEmail({
      ...base,
      company: 'Evil & Co <script>alert(1)</script>',
      candidateFirstName: '"><img src=x onerror=alert(1)>',
      packageName: "O'Brien\r\nBcc: victim@example.com",
      link: 'https://assay.example/t/a?x="><b>&y=1',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toMatch(/<img\b/i);
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('Evil &amp; Co &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('O&#39;Brien Bcc: victim@example.com');
    expect(mail.html).toContain('href="https://assay.example/t/a?x=&quot;&gt;&lt;b&gt;&amp;y=1"');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Evil & Co <script>alert(1)</script> has invited you');
  });

  it('refuses a link that is not http(s)', () => {
    expect(() => renderInvitationEmail({ ...base, link: 'javascript:alert(1)' })).toThrow(/http/);
  });
});
