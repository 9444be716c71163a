/**
 * An invitation to an address that already has an account must not let the
 * link's holder — the inviter included — set that account's password.
 */
import { useTestDatabase } from '@hubwerk/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { createTestApi, type TestApi } from './test-support.ts';

let api: TestApi;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = createTestApi(db);
});

afterAll(async () => {
  await api?.close();
});

describe('accepting an invitation for an existing account', () => {
  it('asks for the account\'s own password and never replaces it', async () => {
    const townAdmin = await api.as(DEMO_USERS.einbeckAdmin);
    const { invitationUrl } = await townAdmin.staff.invite({ tenant: 'einbeck', email: DEMO_USERS.platform, role: 'member' });
    const token = invitationUrl.split('/').pop()!;

    expect(await api.caller().invitations.preview({ token })).toMatchObject({ status: 'open', existingAccount: true });
    await expect(api.caller().invitations.accept({ token, name: 'Übernahme', password: 'ein-neues-passwort-123' })).rejects.toMatchObject({
      message: 'errors.auth.wrongPassword',
    });
    // The account is untouched: its own password still works, the chosen one does not.
    await expect(api.caller().auth.signIn({ email: DEMO_USERS.platform, password: 'ein-neues-passwort-123' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const me = await (await api.as(DEMO_USERS.platform, DEMO_PASSWORD)).auth.me();
    expect(me.user).toMatchObject({ name: 'Petra Plattform', platformRole: 'platform-admin' });

    // Its owner accepts with the existing password: membership added, nothing else changed.
    const session = await api.caller().invitations.accept({ token, password: DEMO_PASSWORD });
    const after = await api.caller(session.token).auth.me();
    expect(after.tenants.map((t) => t.slug)).toContain('einbeck');
    expect(after.user.name).toBe('Petra Plattform');
  });

  it('still sets name and password for a new account', async () => {
    const townAdmin = await api.as(DEMO_USERS.einbeckAdmin);
    const { invitationUrl } = await townAdmin.staff.invite({ tenant: 'einbeck', email: 'neu@einbeck.example.org', role: 'member' });
    const token = invitationUrl.split('/').pop()!;
    expect(await api.caller().invitations.preview({ token })).toMatchObject({ existingAccount: false });
    await expect(api.caller().invitations.accept({ token, password: 'ein-langes-passwort' })).rejects.toMatchObject({ message: 'validation.required' });
    const session = await api.caller().invitations.accept({ token, name: 'Nora Neu', password: 'ein-langes-passwort' });
    expect((await api.caller(session.token).auth.me()).user.name).toBe('Nora Neu');
  });
});
