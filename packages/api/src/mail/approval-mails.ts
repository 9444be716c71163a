import { when } from './booking-mails.ts';
import type { MailLocale, RenderedMail } from './templates.ts';

/**
 * Mails to the staff who decide booking requests (docs/decisions/037): one
 * per new request, or one daily digest for whoever chose it. Staff mails
 * carry both languages, German first: the recipients are a hub's team, whose
 * language the town does not record.
 */
export const APPROVAL_REQUESTED_KIND = 'approval.requested';
export const APPROVAL_DIGEST_KIND = 'approval.digest';

export interface ApprovalRequestFacts {
  tenantSlug: string;
  timezone: string;
  hubId: string;
  hubName: string;
  spaceName: string;
  deskName: string | null;
  startsAt: Date;
  endsAt: Date;
  requesterName: string;
  purpose: string | null;
  adminUrl: string;
}

const SIGNATURE =
  '-- \nHubwerk – Digitale Hubs für Kommunen / Digital Hubs for municipalities\nDiese E-Mail wurde automatisch versandt. / This email was sent automatically.';

/** The inbox of one hub, or of the whole town. */
export const inboxLink = (adminUrl: string, tenantSlug: string, hubId?: string) =>
  hubId
    ? `${adminUrl}/towns/${encodeURIComponent(tenantSlug)}/hubs/${hubId}/approvals`
    : `${adminUrl}/towns/${encodeURIComponent(tenantSlug)}/approvals`;

type RequestLineFacts = Omit<ApprovalRequestFacts, 'tenantSlug' | 'hubId' | 'adminUrl'>;

function requestLines(facts: RequestLineFacts, locale: MailLocale): string[] {
  const de = locale === 'de';
  const where = [facts.hubName, facts.spaceName, facts.deskName].filter(Boolean).join(' · ');
  return [
    `${de ? 'Wer' : 'Who'}: ${facts.requesterName}`,
    `${de ? 'Was' : 'What'}: ${where}`,
    `${de ? 'Wann' : 'When'}: ${when(facts, locale)}`,
    ...(facts.purpose ? [`${de ? 'Zweck' : 'Purpose'}: ${facts.purpose}`] : []),
  ];
}

/** "A new request waits for your decision", the same text for every recipient (no name: one statement mails them all). */
export function approvalRequestMail(facts: ApprovalRequestFacts): RenderedMail {
  const link = inboxLink(facts.adminUrl, facts.tenantSlug, facts.hubId);
  return {
    subject: `Freigabe erbeten / Approval requested: ${facts.spaceName}, ${when(facts, 'de')}`,
    text: [
      'Guten Tag,',
      '',
      `im ${facts.hubName} wartet eine neue Buchungsanfrage auf Ihre Entscheidung.`,
      '',
      ...requestLines(facts, 'de'),
      '',
      'Freigeben oder ablehnen:',
      link,
      '',
      '(English below)',
      '',
      'Hello,',
      '',
      `a new booking request at ${facts.hubName} is waiting for your decision.`,
      '',
      ...requestLines(facts, 'en'),
      '',
      'Approve or reject:',
      link,
      '',
      SIGNATURE,
    ].join('\n'),
  };
}

export type DigestEntry = Omit<RequestLineFacts, 'timezone'>;

/** The daily digest of one person: every request still waiting in the hubs they decide for. */
export function approvalDigestMail(input: {
  tenantSlug: string;
  townName: string;
  timezone: string;
  adminUrl: string;
  entries: DigestEntry[];
}): RenderedMail {
  const link = inboxLink(input.adminUrl, input.tenantSlug);
  const n = input.entries.length;
  const list = (locale: MailLocale) =>
    input.entries.flatMap((e, i) => [
      `${i + 1}. ${requestLines({ ...e, timezone: input.timezone }, locale).join('\n   ')}`,
      '',
    ]);
  return {
    subject: `Offene Buchungsanfragen / Pending booking requests: ${n} – ${input.townName}`,
    text: [
      'Guten Tag,',
      '',
      n === 1
        ? `in ${input.townName} wartet 1 Buchungsanfrage auf Ihre Entscheidung:`
        : `in ${input.townName} warten ${n} Buchungsanfragen auf Ihre Entscheidung:`,
      '',
      ...list('de'),
      'Freigeben oder ablehnen:',
      link,
      '',
      '(English below)',
      '',
      'Hello,',
      '',
      n === 1
        ? `in ${input.townName}, 1 booking request is waiting for your decision:`
        : `in ${input.townName}, ${n} booking requests are waiting for your decision:`,
      '',
      ...list('en'),
      'Approve or reject:',
      link,
      '',
      SIGNATURE,
    ].join('\n'),
  };
}

/**
 * Enqueues one mail per person who may decide requests of hub $2 and wants a
 * mail per request: the town's admins and the hub's managers (a hub role
 * given per hub counts, ADR 014), not the requester themselves. One
 * statement in the caller's transaction (ADR 009): the mails commit with the
 * request. Parameters: $1 tenant, $2 hub, $3 requester's user id (or null),
 * $4 subject, $5 text. No RETURNING: the app role may insert into the outbox
 * but not read it.
 */
export const ENQUEUE_APPROVAL_REQUEST_SQL = `INSERT INTO "OutboxEmail" (id, kind, "toAddress", subject, "textBody")
  SELECT gen_random_uuid(), '${APPROVAL_REQUESTED_KIND}', u.email, $4, $5
    FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId"
   WHERE m."tenantId" = $1::uuid AND NOT m."approvalDigest" AND m."userId" IS DISTINCT FROM $3::uuid
     AND (m.role = 'TOWN_ADMIN'
          OR EXISTS (SELECT 1 FROM "HubAssignment" a
                      WHERE a."tenantId" = m."tenantId" AND a."membershipId" = m.id AND a."hubId" = $2::uuid
                        AND coalesce(a.role, m.role) = 'HUB_MANAGER'))`;

export function approvalRequestParams(
  tenantId: string,
  requesterUserId: string | null,
  facts: ApprovalRequestFacts,
): unknown[] {
  const mail = approvalRequestMail(facts);
  return [tenantId, facts.hubId, requesterUserId, mail.subject, mail.text];
}
