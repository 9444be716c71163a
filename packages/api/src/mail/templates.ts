/**
 * Mail texts. German is the default; English when the recipient's language
 * is known to be English. Plain text only: it reads well in every municipal
 * mail client and carries nothing a filter would strip.
 */
export type MailLocale = 'de' | 'en';

export interface RenderedMail {
  subject: string;
  text: string;
}

const ROLE_NAMES: Record<string, Record<MailLocale, string>> = {
  TOWN_ADMIN: { de: 'Administrator:in der Kommune', en: 'town administrator' },
  HUB_MANAGER: { de: 'Hub-Leitung', en: 'hub manager' },
  HUB_STAFF: { de: 'Hub-Mitarbeiter:in', en: 'hub staff' },
  MEMBER: { de: 'Mitglied', en: 'member' },
  PARTNER_ADMIN: { de: 'Administrator:in des Partners', en: 'partner administrator' },
  PARTNER_STAFF: { de: 'Mitarbeiter:in des Partners', en: 'partner staff' },
};

const SIGNATURE: Record<MailLocale, string> = {
  de: '\n-- \nHubwerk – Digitale Hubs für Kommunen\nDiese E-Mail wurde automatisch versandt.',
  en: '\n-- \nHubwerk – Digital Hubs for municipalities\nThis email was sent automatically.',
};

export function invitationMail(input: {
  locale: MailLocale;
  targetName: string;
  role: string;
  link: string;
  days: number;
}): RenderedMail {
  const role = ROLE_NAMES[input.role]?.[input.locale] ?? input.role;
  if (input.locale === 'en') {
    return {
      subject: `Invitation to Hubwerk: ${input.targetName}`,
      text: [
        'Hello,',
        '',
        `you have been invited to join ${input.targetName} on Hubwerk as ${role}.`,
        '',
        'To accept the invitation, open this link. New to Hubwerk? You set your password there. Already have an account? Sign in with it to accept.',
        input.link,
        '',
        `The link can be used once and expires in ${input.days} days. If you did not expect this invitation, ignore this email.`,
        SIGNATURE.en,
      ].join('\n'),
    };
  }
  return {
    subject: `Einladung zu Hubwerk: ${input.targetName}`,
    text: [
      'Guten Tag,',
      '',
      `Sie wurden eingeladen, bei ${input.targetName} in Hubwerk als ${role} mitzuarbeiten.`,
      '',
      'Um die Einladung anzunehmen, öffnen Sie bitte diesen Link. Neu bei Hubwerk? Dort legen Sie Ihr Passwort fest. Sie haben schon ein Konto? Melden Sie sich damit an, um die Einladung anzunehmen.',
      input.link,
      '',
      `Der Link ist einmal verwendbar und ${input.days} Tage gültig. Wenn Sie diese Einladung nicht erwartet haben, ignorieren Sie diese E-Mail einfach.`,
      SIGNATURE.de,
    ].join('\n'),
  };
}

export function passwordResetMail(input: { locale: MailLocale; link: string; minutes: number }): RenderedMail {
  if (input.locale === 'en') {
    return {
      subject: 'Reset your Hubwerk password',
      text: [
        'Hello,',
        '',
        'someone asked to reset the password of your Hubwerk account. To choose a new password, open this link:',
        input.link,
        '',
        `The link can be used once and expires in ${input.minutes} minutes. Setting a new password signs you out everywhere.`,
        'If you did not ask for this, ignore this email: your password stays unchanged.',
        SIGNATURE.en,
      ].join('\n'),
    };
  }
  return {
    subject: 'Hubwerk: Passwort zurücksetzen',
    text: [
      'Guten Tag,',
      '',
      'für Ihr Hubwerk-Konto wurde das Zurücksetzen des Passworts angefordert. Um ein neues Passwort festzulegen, öffnen Sie bitte diesen Link:',
      input.link,
      '',
      `Der Link ist einmal verwendbar und ${input.minutes} Minuten gültig. Mit dem neuen Passwort werden Sie überall abgemeldet.`,
      'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail einfach: Ihr Passwort bleibt unverändert.',
      SIGNATURE.de,
    ].join('\n'),
  };
}

/** Joins the admin app's address and a path without doubling slashes. */
export function absoluteLink(adminUrl: string, path: string): string {
  return `${adminUrl.replace(/\/+$/, '')}${path}`;
}

export function paymentFailedMail(input: {
  locale: MailLocale;
  townName: string;
  readOnlyFrom: Date;
  link: string;
}): RenderedMail {
  const date = new Intl.DateTimeFormat(input.locale === 'en' ? 'en-GB' : 'de-DE', {
    dateStyle: 'long',
    timeZone: 'Europe/Berlin',
  }).format(input.readOnlyFrom);
  if (input.locale === 'en') {
    return {
      subject: `Hubwerk: payment failed for ${input.townName}`,
      text: [
        'Hello,',
        '',
        `the latest payment for ${input.townName} on Hubwerk has failed.`,
        `Please update the payment method or pay the open invoice by ${date}. After that date the town becomes read-only until it is paid: all data stays, reading and export keep working, but nothing can be changed.`,
        '',
        'Billing:',
        input.link,
        SIGNATURE.en,
      ].join('\n'),
    };
  }
  return {
    subject: `Hubwerk: Zahlung für ${input.townName} fehlgeschlagen`,
    text: [
      'Guten Tag,',
      '',
      `die letzte Zahlung für ${input.townName} in Hubwerk ist fehlgeschlagen.`,
      `Bitte aktualisieren Sie die Zahlungsmethode oder begleichen Sie die offene Rechnung bis zum ${date}. Danach ist die Kommune bis zur Zahlung schreibgeschützt: Alle Daten bleiben erhalten, Lesen und Export funktionieren weiter, Änderungen sind nicht möglich.`,
      '',
      'Zur Abrechnung:',
      input.link,
      SIGNATURE.de,
    ].join('\n'),
  };
}
