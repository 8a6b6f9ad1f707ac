// The local stage's mail outbox: cognito-local delivers no email, so the dev platform records every code it would
// have sent as a JSON line in a file (scripts/platform/cognito-mail-outbox.cjs); GET /dev/mail-outbox reads it.
import { readFile } from 'node:fs/promises';

export type MailPurpose = 'sign-up' | 'password-reset' | 'other';

export interface MailOutboxEntry {
  email: string;
  purpose: MailPurpose;
  code: string;
  sentAt: string;
}

/** The newest entries that are listed. */
export const mailOutboxLimit = 20;

const purposeBySource: Record<string, MailPurpose> = { SignUp: 'sign-up', ResendCode: 'sign-up', ForgotPassword: 'password-reset' };

interface RecordedMail {
  email?: unknown;
  source?: unknown;
  code?: unknown;
  sentAt?: unknown;
}

function entryOf(line: string): MailOutboxEntry | null {
  let mail: RecordedMail;
  try {
    mail = JSON.parse(line) as RecordedMail;
  } catch {
    // A line cut short by a crash of the platform: skipped.
    return null;
  }
  const { email, source, code, sentAt } = mail;
  if (typeof email !== 'string' || typeof code !== 'string' || typeof sentAt !== 'string') return null;
  return { email, purpose: (typeof source === 'string' && purposeBySource[source]) || 'other', code, sentAt };
}

export function mailOutboxFile(file: string) {
  return {
    /** The mails sent to `email` (compared lower-case), newest first. */
    async list(email: string): Promise<MailOutboxEntry[]> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const wanted = email.toLowerCase();
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(entryOf)
        .filter((entry): entry is MailOutboxEntry => entry !== null && entry.email.toLowerCase() === wanted)
        .reverse()
        .slice(0, mailOutboxLimit);
    },
  };
}
