import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: string }>;
}

/**
 * A real SMTP server on 127.0.0.1 and a random port, for tests: it accepts
 * every mail and keeps it, decoded (subject and text), for assertions.
 * `holdBeforeAccepting` keeps a mail's answer back until its promise
 * settles; a mail whose client went away meanwhile was never accepted (the
 * client saw no "250") and is not kept — as a real server would not deliver it.
 */
export async function startTestSmtp(
  options: {
    rejectWith?: () => string | null;
    holdBeforeAccepting?: (subject: string) => Promise<void> | null;
  } = {},
) {
  const received: ReceivedMail[] = [];
  // Sessions whose client went away, and the holds waiting to hear of it.
  const closedSessions = new Set<string>();
  const onClosed = new Map<string, () => void>();
  const clientGone = (id: string) =>
    new Promise<void>((resolve) => {
      if (closedSessions.has(id)) resolve();
      else onClosed.set(id, resolve);
    });
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to make, and nodemailer would
    // otherwise try to upgrade the connection.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onClose(session) {
      closedSessions.add(session.id);
      onClosed.get(session.id)?.();
    },
    onData(stream, session, callback) {
      const rejection = options.rejectWith?.() ?? null;
      simpleParser(stream)
        .then(async (parsed) => {
          if (rejection) return callback(Object.assign(new Error(rejection), { responseCode: 451 }));
          const hold = options.holdBeforeAccepting?.(parsed.subject ?? '');
          if (hold) {
            await Promise.race([hold, clientGone(session.id)]);
            if (closedSessions.has(session.id)) return callback(new Error('the client went away'));
          }
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            attachments: parsed.attachments.map((a) => ({
              filename: a.filename ?? '',
              contentType: a.contentType,
              content: a.content.toString('utf8'),
            })),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtp = Awaited<ReturnType<typeof startTestSmtp>>;
