/**
 * The account lifecycle, model-based (fast-check commands) against the real
 * API over a real database: random sequences of onboarding, partner
 * registration, invitations, accepting (with the token read from the
 * actor's OWN mailbox only), sign-in, password reset, TOTP, hub assignment,
 * role change and removal, by random actors of every role in two towns and
 * a partner (plus the towns and partners onboarded on the way).
 *
 * The model is the oracle: it knows what each person knows (their own
 * password, TOTP secret and mailbox) and re-derives the role ceilings on
 * its own (not through abilities.ts). After every step the database must
 * equal the model — memberships, hub roles, partner memberships,
 * credentials and live sessions per account — and no answer may carry a
 * token from anyone's mailbox. So a session nobody should have, a
 * membership nobody accepted, or a role above its granter's fails the run.
 *
 * Speed: each run builds its own small world in one SQL round trip (fresh
 * addresses and towns, so runs never disturb each other and nothing needs
 * resetting), and password hashing uses Argon2id's cheapest parameters
 * (useCheapPasswordHashingForTests) — the lifecycle, not the hash cost, is
 * under test here.
 *
 * Deleting one's own account (DSGVO Art. 17) is a command too: afterwards
 * nothing of the person survives in memberships, assignments or sessions,
 * and their address can be invited (and activated) afresh.
 */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken, newTotpSecret, totpCode, useCheapPasswordHashingForTests } from '@hubwerk/auth';
import { useTestDatabase } from '@hubwerk/db/testing';
import { hash } from '@node-rs/argon2';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from './errors.ts';
import { processPasswordResetRequests } from './jobs/password-resets.ts';
import { type Caller, createTestApi, type TestApi } from './test-support.ts';

const RUNS = Number(process.env.MODEL_RUNS ?? 2000);
const LANES = 4;
const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

type TenantRole = 'town-admin' | 'hub-manager' | 'hub-staff' | 'member';
type PartnerRole = 'partner-admin' | 'partner-staff';
const RANK: Record<TenantRole, number> = { member: 1, 'hub-staff': 2, 'hub-manager': 3, 'town-admin': 4 };
const DB_ROLE: Record<TenantRole, string> = {
  'town-admin': 'TOWN_ADMIN',
  'hub-manager': 'HUB_MANAGER',
  'hub-staff': 'HUB_STAFF',
  member: 'MEMBER',
};
const API_ROLE = Object.fromEntries(Object.entries(DB_ROLE).map(([k, v]) => [v, k])) as Record<string, TenantRole>;

/** The people of one run, by what they start as. */
const PEOPLE = [
  'platform',
  'adminA',
  'managerA',
  'staffA',
  'memberA',
  'adminB',
  'memberB',
  'partnerAdmin',
  'partnerStaff',
  'outsider',
  'pending',
  'newcomer',
] as const;
type PersonKey = (typeof PEOPLE)[number];
const PASSWORDS = Object.fromEntries(PEOPLE.map((p) => [p, `passwort-${p}-geheim`])) as Record<PersonKey, string>;

interface Person {
  key: PersonKey;
  email: string;
  /** What only this person knows. */
  password: string;
  totpSecret: string | null;
  /** A user row exists (a newcomer gets one when first invited or onboarded). */
  hasAccount: boolean;
  /** Has credentials (a password); pending accounts do not. */
  active: boolean;
  /** Live session tokens this person holds — of their own account only. */
  sessions: string[];
  resets: number;
}

interface Town {
  id: string;
  slug: string;
  hubId: string;
  partnerId: string | null;
}

interface Model {
  run: number;
  people: Person[];
  towns: Town[];
  partners: string[];
  /** tenantId|email → role */
  memberships: Map<string, TenantRole>;
  /** tenantId|hubId|email → role held there (null: the membership's role) */
  assignments: Map<string, TenantRole | null>;
  /** partnerId|email → role */
  partnerMemberships: Map<string, PartnerRole>;
  onboarded: number;
}

interface Real {
  api: TestApi;
  superuser: pg.Pool;
  /** Every answer of the current step, to look for leaked tokens. */
  answers: string[];
}

let api: TestApi;
let superuser: pg.Pool;
let hashes: Record<PersonKey, string>;
let runCounter = 0;
let agsCounter = 0;
let steps = 0;
/** How often the rarer transitions really happened (printed, so a run that never reaches them shows). */
const reached = { resets: 0, deletions: 0, activations: 0 };

beforeAll(async () => {
  useCheapPasswordHashingForTests();
  const db = await useTestDatabase({ fresh: true });
  api = createTestApi(db, { poolSize: 8 });
  // A pool: the lanes below read and plant side by side.
  superuser = new pg.Pool({ connectionString: db.superuserUrl, max: 4 });
  hashes = Object.fromEntries(
    await Promise.all(PEOPLE.map(async (p) => [p, await hash(PASSWORDS[p], CHEAP)] as const)),
  ) as Record<PersonKey, string>;
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

const lit = (v: string) => `'${v.replaceAll("'", "''")}'`;

/** A fresh world for one run, in one round trip: two towns (A managed by the partner), a partner, twelve people. */
async function newWorld(): Promise<Model> {
  const run = ++runCounter;
  const domain = `r${run}.model.example`;
  const ids = {
    townA: randomUUID(),
    townB: randomUUID(),
    hubA: randomUUID(),
    hubB: randomUUID(),
    partner: randomUUID(),
  };
  const user = Object.fromEntries(PEOPLE.map((p) => [p, randomUUID()])) as Record<PersonKey, string>;
  const email = (p: PersonKey) => `${p.toLowerCase()}@${domain}`;
  const users = PEOPLE.filter((p) => p !== 'newcomer')
    .map(
      (p) =>
        `(${lit(user[p])}, ${lit(email(p))}, ${lit(p)}, ${p === 'pending' ? 'NULL' : lit(hashes[p])}, ${p === 'platform' ? `'PLATFORM_ADMIN'` : 'NULL'}, now())`,
    )
    .join(', ');
  const member = (town: string, p: PersonKey, role: string) =>
    `(${lit(town)}, gen_random_uuid(), ${lit(user[p])}, '${role}')`;
  const ags = () => `99${String(++agsCounter).padStart(6, '0')}`;
  const signedInAtStart = PEOPLE.filter((p) => p !== 'pending' && p !== 'newcomer');
  const tokens: Partial<Record<PersonKey, string>> = Object.fromEntries(signedInAtStart.map((p) => [p, newToken()]));
  // The rate limits have their own tests; here every lane shares one client address, whose limits would soon refuse all resets.
  await superuser.query(`
    DELETE FROM "RateLimit";
    INSERT INTO "Partner" (id, kind, name, slug, region, "updatedAt") VALUES (${lit(ids.partner)}, 'IT_PARTNER', ${lit(`Partner ${run}`)}, ${lit(`partner-${run}`)}, 'Modell', now());
    INSERT INTO "Tenant" (id, name, slug, ags, bundesland, status, "managingPartnerId", "updatedAt") VALUES
      (${lit(ids.townA)}, ${lit(`A ${run}`)}, ${lit(`a-${run}`)}, '${ags()}', '15', 'ACTIVE', ${lit(ids.partner)}, now()),
      (${lit(ids.townB)}, ${lit(`B ${run}`)}, ${lit(`b-${run}`)}, '${ags()}', '15', 'ACTIVE', NULL, now());
    INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES (${lit(ids.townA)}, ${lit(ids.hubA)}, 'Hub A', 'hub-a', now()), (${lit(ids.townB)}, ${lit(ids.hubB)}, 'Hub B', 'hub-b', now());
    INSERT INTO "User" (id, email, name, "passwordHash", "platformRole", "updatedAt") VALUES ${users};
    INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES
      ${[member(ids.townA, 'adminA', 'TOWN_ADMIN'), member(ids.townA, 'managerA', 'HUB_MANAGER'), member(ids.townA, 'staffA', 'HUB_STAFF'), member(ids.townA, 'memberA', 'MEMBER'), member(ids.townB, 'adminB', 'TOWN_ADMIN'), member(ids.townB, 'memberB', 'MEMBER')].join(', ')};
    INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId", "userId")
      SELECT m."tenantId", gen_random_uuid(), ${lit(ids.hubA)}, m.id, m."userId" FROM "TenantMembership" m WHERE m."userId" IN (${lit(user.managerA)}, ${lit(user.staffA)});
    INSERT INTO "PartnerMembership" (id, "partnerId", "userId", role) VALUES
      (gen_random_uuid(), ${lit(ids.partner)}, ${lit(user.partnerAdmin)}, 'PARTNER_ADMIN'), (gen_random_uuid(), ${lit(ids.partner)}, ${lit(user.partnerStaff)}, 'PARTNER_STAFF');
    INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") VALUES ${signedInAtStart.map((p) => `(gen_random_uuid(), ${lit(hashToken(tokens[p]!))}, ${lit(user[p])}, now() + interval '1 day')`).join(', ')};
  `);
  // Every active person starts signed in once (as they would have, with their own password), so every command can run from the first step.
  const people: Person[] = PEOPLE.map((p) => ({
    key: p,
    email: email(p),
    password: PASSWORDS[p],
    totpSecret: null,
    hasAccount: p !== 'newcomer',
    active: p !== 'pending' && p !== 'newcomer',
    sessions: tokens[p] ? [tokens[p]] : [],
    resets: 0,
  }));
  const k = (town: string, p: PersonKey) => `${town}|${email(p)}`;
  return {
    run,
    people,
    towns: [
      { id: ids.townA, slug: `a-${run}`, hubId: ids.hubA, partnerId: ids.partner },
      { id: ids.townB, slug: `b-${run}`, hubId: ids.hubB, partnerId: null },
    ],
    partners: [ids.partner],
    memberships: new Map([
      [k(ids.townA, 'adminA'), 'town-admin'],
      [k(ids.townA, 'managerA'), 'hub-manager'],
      [k(ids.townA, 'staffA'), 'hub-staff'],
      [k(ids.townA, 'memberA'), 'member'],
      [k(ids.townB, 'adminB'), 'town-admin'],
      [k(ids.townB, 'memberB'), 'member'],
    ]),
    assignments: new Map([
      [`${ids.townA}|${ids.hubA}|${email('managerA')}`, null],
      [`${ids.townA}|${ids.hubA}|${email('staffA')}`, null],
    ]),
    partnerMemberships: new Map([
      [`${ids.partner}|${email('partnerAdmin')}`, 'partner-admin'],
      [`${ids.partner}|${email('partnerStaff')}`, 'partner-staff'],
    ]),
    onboarded: 0,
  };
}

// ---------------------------------------------------------------- the oracle

/** The model's own account of a person's rank in a town (in a hub, when given). */
function rankIn(m: Model, who: Person, town: Town, hubId: string | null): number {
  if (who.key === 'platform') return 6;
  const partnerRole = town.partnerId ? m.partnerMemberships.get(`${town.partnerId}|${who.email}`) : undefined;
  let rank = partnerRole === 'partner-admin' ? 5 : partnerRole === 'partner-staff' ? 4 : 0;
  const role = m.memberships.get(`${town.id}|${who.email}`);
  if (!role) return rank;
  if (role === 'town-admin') return Math.max(rank, 4);
  rank = Math.max(rank, 1);
  if (hubId && m.assignments.has(`${town.id}|${hubId}|${who.email}`)) {
    const held = m.assignments.get(`${town.id}|${hubId}|${who.email}`) ?? role;
    rank = Math.max(rank, RANK[held]);
  }
  return rank;
}

function mayGrantTenant(m: Model, who: Person, town: Town, role: TenantRole, hubId: string | null): boolean {
  const hubRole = role === 'hub-manager' || role === 'hub-staff';
  return rankIn(m, who, town, hubRole ? hubId : null) > RANK[role];
}

// ---------------------------------------------------------------- the real side

async function outcome<T>(
  r: Real,
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string; key: string }> {
  try {
    const value = await promise;
    r.answers.push(JSON.stringify(value));
    return { ok: true, value };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const described = describeError(error);
    r.answers.push(JSON.stringify(described));
    return { ok: false, code: error.code, key: described.messageKey };
  }
}

const callerOf = (r: Real, who: Person): Caller => r.api.caller(who.sessions.at(-1) ?? null);

/** The tokens in a person's mailbox (of one kind), newest first: what only that person can read. */
async function mailbox(r: Real, who: Person, kind: 'invitation' | 'password-reset'): Promise<string[]> {
  const { rows } = await r.superuser.query<{ textBody: string }>(
    `SELECT "textBody" FROM "OutboxEmail" WHERE "toAddress" = $1 AND kind = $2 ORDER BY "createdAt" DESC, id DESC`,
    [who.email, kind],
  );
  return rows.flatMap((row) => row.textBody.match(/\/(?:invite|reset-password)\/([A-Za-z0-9_-]{20,100})/)?.[1] ?? []);
}

/** Lets the owner use another TOTP code within the same 30 seconds (the reuse rule has its own tests). */
const forgetLastStep = (r: Real, who: Person) =>
  r.superuser.query(`UPDATE "User" SET "totpLastStep" = NULL WHERE email = $1`, [who.email]);

function forgetSessions(who: Person) {
  who.sessions = [];
}

/** After every step: the database equals the model, and no answer carried anyone's mailed token. */
async function checkInvariants(m: Model, r: Real) {
  steps += 1;
  const domain = `%@r${m.run}.model.example`;
  const { rows } = await r.superuser.query(
    `SELECT
       (SELECT coalesce(json_agg(m."tenantId" || '|' || u.email || '|' || m.role), '[]') FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE u.email LIKE $1) AS memberships,
       (SELECT coalesce(json_agg(a."tenantId" || '|' || a."hubId" || '|' || u.email || '|' || coalesce(a.role::text, '-')), '[]') FROM "HubAssignment" a JOIN "TenantMembership" m ON m."tenantId" = a."tenantId" AND m.id = a."membershipId" JOIN "User" u ON u.id = m."userId" WHERE u.email LIKE $1) AS assignments,
       (SELECT coalesce(json_agg(p."partnerId" || '|' || u.email || '|' || p.role), '[]') FROM "PartnerMembership" p JOIN "User" u ON u.id = p."userId" WHERE u.email LIKE $1) AS partners,
       (SELECT coalesce(json_agg(json_build_object('email', u.email, 'active', u."passwordHash" IS NOT NULL, 'totp', u."totpEnabledAt" IS NOT NULL,
          'sessions', (SELECT count(*)::int FROM "Session" s WHERE s."userId" = u.id AND s."revokedAt" IS NULL))), '[]') FROM "User" u WHERE u.email LIKE $1) AS accounts,
       (SELECT coalesce(json_agg(substring(o."textBody" from '/(?:invite|reset-password)/([A-Za-z0-9_-]+)')), '[]') FROM "OutboxEmail" o WHERE o."toAddress" LIKE $1) AS tokens`,
    [domain],
  );
  const db = rows[0] as {
    memberships: string[];
    assignments: string[];
    partners: string[];
    accounts: Array<{ email: string; active: boolean; totp: boolean; sessions: number }>;
    tokens: Array<string | null>;
  };
  const expected = {
    memberships: [...m.memberships].map(([key, role]) => `${key}|${DB_ROLE[role]}`).sort(),
    assignments: [...m.assignments].map(([key, role]) => `${key}|${role ? DB_ROLE[role] : '-'}`).sort(),
    partners: [...m.partnerMemberships]
      .map(([key, role]) => `${key}|${role === 'partner-admin' ? 'PARTNER_ADMIN' : 'PARTNER_STAFF'}`)
      .sort(),
    accounts: m.people
      .filter((p) => p.hasAccount)
      .map((p) => ({ email: p.email, active: p.active, totp: p.totpSecret !== null, sessions: p.sessions.length }))
      .sort((a, b) => a.email.localeCompare(b.email)),
  };
  // No membership without its member's acceptance (or the provider's onboarding of a pending account), no hidden role.
  expect(db.memberships.sort(), 'memberships').toEqual(expected.memberships);
  expect(db.assignments.sort(), 'hub assignments').toEqual(expected.assignments);
  expect(db.partners.sort(), 'partner memberships').toEqual(expected.partners);
  // Nobody holds a session the model did not see its owner obtain; credentials only as their owner set them.
  expect(
    db.accounts.sort((a, b) => a.email.localeCompare(b.email)),
    'accounts and sessions',
  ).toEqual(expected.accounts);
  // No answer carried a token mailed to anyone.
  const tokens = db.tokens.filter((t): t is string => t !== null);
  for (const answer of r.answers) {
    expect(answer, 'an answer names a mail link').not.toMatch(/\/(invite|reset-password)\//);
    for (const token of tokens) expect(answer.includes(token), 'an answer carries a mailed token').toBe(false);
  }
  r.answers = [];
}

// ---------------------------------------------------------------- commands

type Cmd = fc.AsyncCommand<Model, Real>;
const person = (m: Model, i: number) => m.people[i % m.people.length]!;
const townOf = (m: Model, i: number) => m.towns[i % m.towns.length]!;
const signedIn = (m: Model, i: number) => person(m, i).sessions.length > 0;

class SignIn implements Cmd {
  constructor(
    readonly actor: number,
    readonly target: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const target = person(m, this.target);
    // The actor tries the one password they know: their own.
    const result = await outcome(r, r.api.caller().auth.signIn({ email: target.email, password: actor.password }));
    if (result.ok && result.value.status === 'signed-in') {
      expect(
        actor === target && target.active && !target.totpSecret,
        `${actor.key} signed in as ${target.key} without its credentials`,
      ).toBe(true);
      actor.sessions.push(result.value.token);
    } else if (result.ok && result.value.status === 'second-factor-required') {
      expect(actor === target, `${actor.key} passed ${target.key}'s password check`).toBe(true);
      // The owner has the secret; anyone else could only guess (a code of another secret).
      const code =
        actor === target && target.totpSecret
          ? totpCode(target.totpSecret, Date.now())
          : totpCode(newTotpSecret(), Date.now());
      await forgetLastStep(r, target);
      const second = await outcome(r, r.api.caller().mfa.completeSignIn({ challenge: result.value.challenge, code }));
      if (second.ok) {
        expect(
          actor === target && target.totpSecret !== null,
          `${actor.key} passed ${target.key}'s second factor`,
        ).toBe(true);
        actor.sessions.push(second.value.token);
      }
      await forgetLastStep(r, target);
    }
    await checkInvariants(m, r);
  }
  toString = () => `SignIn(${PEOPLE[this.actor % PEOPLE.length]} as ${PEOPLE[this.target % PEOPLE.length]})`;
}

class Invite implements Cmd {
  constructor(
    readonly actor: number,
    readonly target: number,
    readonly scope: number,
    readonly role: TenantRole | 'partner-staff',
    readonly intoHub: boolean,
  ) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor);
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const target = person(m, this.target);
    if (this.role === 'partner-staff') {
      const partnerId = m.partners[this.scope % m.partners.length]!;
      const result = await outcome(r, callerOf(r, actor).partners.inviteStaff({ partnerId, email: target.email }));
      if (result.ok) {
        expect(Object.keys(result.value)).toEqual(['invitationId']);
        const own = m.partnerMemberships.get(`${partnerId}|${actor.email}`);
        expect(actor.key === 'platform' || own === 'partner-admin', `${actor.key} invited partner staff`).toBe(true);
        target.hasAccount = true;
      }
    } else {
      const town = townOf(m, this.scope);
      const hubRole = this.role === 'hub-manager' || this.role === 'hub-staff';
      const hubId = hubRole && this.intoHub ? town.hubId : null;
      const result = await outcome(
        r,
        callerOf(r, actor).staff.invite({
          tenant: town.slug,
          email: target.email,
          role: this.role,
          ...(hubId ? { hubId } : {}),
        }),
      );
      if (result.ok) {
        expect(Object.keys(result.value)).toEqual(['invitationId']);
        expect(
          mayGrantTenant(m, actor, town, this.role, hubId),
          `${actor.key} granted ${this.role} in ${town.slug}`,
        ).toBe(true);
        target.hasAccount = true;
      }
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `Invite(${PEOPLE[this.actor % PEOPLE.length]} → ${PEOPLE[this.target % PEOPLE.length]}, ${this.role}, scope ${this.scope}${this.intoHub ? ', hub' : ''})`;
}

class Accept implements Cmd {
  constructor(
    readonly actor: number,
    readonly pick: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    // Among the people who have an invitation mail (else accepting is rare and the activation path barely runs).
    const { rows: invited } = await r.superuser.query<{ toAddress: string }>(
      `SELECT DISTINCT "toAddress" FROM "OutboxEmail" WHERE kind = 'invitation' AND "toAddress" LIKE $1`,
      [`%@r${m.run}.model.example`],
    );
    const candidates = m.people.filter((p) => invited.some((row) => row.toAddress === p.email));
    if (candidates.length === 0) return checkInvariants(m, r);
    const actor = candidates[this.actor % candidates.length]!;
    const tokens = await mailbox(r, actor, 'invitation');
    if (tokens.length === 0) return checkInvariants(m, r);
    const token = tokens[this.pick % tokens.length]!;
    const { rows } = await r.superuser.query(
      `SELECT "tenantId", "partnerId", "tenantRole", "partnerRole", "hubId" FROM "Invitation" WHERE "tokenHash" = $1`,
      [hashToken(token)],
    );
    const invitation = rows[0] as
      | {
          tenantId: string | null;
          partnerId: string | null;
          tenantRole: string | null;
          partnerRole: string | null;
          hubId: string | null;
        }
      | undefined;
    const input =
      actor.sessions.length > 0 ? { token } : { token, name: `Person ${actor.key}`, password: actor.password };
    const result = await outcome(r, callerOf(r, actor).invitations.accept(input));
    if (result.ok && invitation) {
      if (result.value.status === 'signed-in') {
        // Only a pending account is activated by a mailed token.
        expect(actor.active, `a token set the password of ${actor.key}'s active account`).toBe(false);
        reached.activations += 1;
        actor.active = true;
        actor.sessions.push(result.value.token);
      } else {
        expect(actor.active && actor.sessions.length > 0, `${actor.key} joined without being signed in`).toBe(true);
      }
      if (invitation.tenantId) {
        const key = `${invitation.tenantId}|${actor.email}`;
        if (!m.memberships.has(key)) m.memberships.set(key, API_ROLE[invitation.tenantRole ?? 'MEMBER']!);
        if (invitation.hubId) {
          const at = `${invitation.tenantId}|${invitation.hubId}|${actor.email}`;
          if (!m.assignments.has(at)) m.assignments.set(at, null);
        }
      } else if (invitation.partnerId) {
        const key = `${invitation.partnerId}|${actor.email}`;
        if (!m.partnerMemberships.has(key))
          m.partnerMemberships.set(key, invitation.partnerRole === 'PARTNER_ADMIN' ? 'partner-admin' : 'partner-staff');
      }
    }
    await checkInvariants(m, r);
  }
  toString = () => `Accept(invitee ${this.actor}, mail ${this.pick})`;
}

class ResetPassword implements Cmd {
  constructor(
    readonly actor: number,
    readonly target: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const target = person(m, this.target);
    // Anyone may ask for any address; only the mailbox's owner reads the link.
    const asked = await outcome(r, r.api.caller().auth.requestPasswordReset({ email: target.email }));
    // All lanes share one client address, whose reset requests are limited (ADR 024).
    if (!asked.ok && asked.code === 'TOO_MANY_REQUESTS') return checkInvariants(m, r);
    expect(asked).toMatchObject({ ok: true, value: { ok: true } });
    // The answer came before any lookup; the mail is the worker's (run here instead of waiting for its poll).
    await processPasswordResetRequests(r.api.deps.platform, 'http://admin.test');
    const [token] = await mailbox(r, actor, 'password-reset');
    if (token) {
      const password = `${PASSWORDS[actor.key]}-${++actor.resets}`;
      const result = await outcome(r, r.api.caller().auth.resetPassword({ token, password }));
      if (result.ok) {
        reached.resets += 1;
        actor.hasAccount = true;
        actor.active = true;
        actor.password = password;
        // A reset ends every session of the account.
        forgetSessions(actor);
      }
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `ResetPassword(${PEOPLE[this.actor % PEOPLE.length]} asks for ${PEOPLE[this.target % PEOPLE.length]})`;
}

class EnableTotp implements Cmd {
  constructor(readonly actor: number) {}
  check = (m: Readonly<Model>) =>
    signedIn(m as Model, this.actor) && person(m as Model, this.actor).totpSecret === null;
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const started = await outcome(r, callerOf(r, actor).mfa.startEnrolment({}));
    if (started.ok) {
      const confirmed = await outcome(
        r,
        callerOf(r, actor).mfa.confirmEnrolment({ code: totpCode(started.value.secret, Date.now()) }),
      );
      if (confirmed.ok) actor.totpSecret = started.value.secret;
      await forgetLastStep(r, actor);
    }
    await checkInvariants(m, r);
  }
  toString = () => `EnableTotp(${PEOPLE[this.actor % PEOPLE.length]})`;
}

class Assign implements Cmd {
  constructor(
    readonly actor: number,
    readonly town: number,
    readonly target: number,
    readonly role: 'hub-manager' | 'hub-staff',
  ) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor);
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const target = person(m, this.target);
    const town = townOf(m, this.town);
    const result = await outcome(
      r,
      callerOf(r, actor).hubStaff.assign({
        tenant: town.slug,
        hubId: town.hubId,
        email: target.email,
        role: this.role,
      }),
    );
    if (result.ok) {
      expect(
        m.memberships.has(`${town.id}|${target.email}`),
        `${target.key} assigned in ${town.slug} without being a member`,
      ).toBe(true);
      expect(mayGrantTenant(m, actor, town, this.role, town.hubId), `${actor.key} granted ${this.role}`).toBe(true);
      m.assignments.set(`${town.id}|${town.hubId}|${target.email}`, this.role);
    } else {
      // Not a member and no account look the same.
      if (!m.memberships.has(`${town.id}|${target.email}`) && result.code === 'BAD_REQUEST')
        expect(result.key).toBe('errors.hubStaff.unknownUser');
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `Assign(${PEOPLE[this.actor % PEOPLE.length]} → ${PEOPLE[this.target % PEOPLE.length]}, ${this.role}, town ${this.town})`;
}

async function membershipId(r: Real, town: Town, who: Person): Promise<string> {
  const { rows } = await r.superuser.query(
    `SELECT m.id FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE m."tenantId" = $1 AND u.email = $2`,
    [town.id, who.email],
  );
  // Ids are not secrets: an unknown one is tried as well.
  return (rows[0]?.id as string | undefined) ?? randomUUID();
}

class ChangeRole implements Cmd {
  constructor(
    readonly actor: number,
    readonly town: number,
    readonly target: number,
    readonly role: TenantRole,
  ) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor);
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const target = person(m, this.target);
    const town = townOf(m, this.town);
    const before = m.memberships.get(`${town.id}|${target.email}`);
    const result = await outcome(
      r,
      callerOf(r, actor).staff.changeRole({
        tenant: town.slug,
        membershipId: await membershipId(r, town, target),
        role: this.role,
      }),
    );
    if (result.ok) {
      expect(before, 'changed a membership that does not exist').toBeDefined();
      expect(
        actor !== target &&
          mayGrantTenant(m, actor, town, this.role, null) &&
          mayGrantTenant(m, actor, town, before!, null),
        `${actor.key} changed ${target.key} from ${before} to ${this.role}`,
      ).toBe(true);
      m.memberships.set(`${town.id}|${target.email}`, this.role);
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `ChangeRole(${PEOPLE[this.actor % PEOPLE.length]} → ${PEOPLE[this.target % PEOPLE.length]}, ${this.role}, town ${this.town})`;
}

class RemoveMember implements Cmd {
  constructor(
    readonly actor: number,
    readonly town: number,
    readonly target: number,
  ) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor);
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const target = person(m, this.target);
    const town = townOf(m, this.town);
    const before = m.memberships.get(`${town.id}|${target.email}`);
    const result = await outcome(
      r,
      callerOf(r, actor).staff.removeMember({ tenant: town.slug, membershipId: await membershipId(r, town, target) }),
    );
    if (result.ok) {
      expect(before, 'removed a membership that does not exist').toBeDefined();
      expect(
        actor !== target && mayGrantTenant(m, actor, town, before!, null),
        `${actor.key} removed ${target.key} (${before})`,
      ).toBe(true);
      m.memberships.delete(`${town.id}|${target.email}`);
      for (const key of [...m.assignments.keys()])
        if (key.startsWith(`${town.id}|`) && key.endsWith(`|${target.email}`)) m.assignments.delete(key);
      // The removed member's session no longer reaches the town, at once.
      if (target.sessions.length > 0) {
        const reach = await outcome(r, callerOf(r, target).tenants.get({ tenant: town.slug }));
        const stillReaches = reach.ok && rankIn(m, target, town, null) === 0;
        expect(stillReaches, `${target.key} still reaches ${town.slug}`).toBe(false);
      }
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `RemoveMember(${PEOPLE[this.actor % PEOPLE.length]} → ${PEOPLE[this.target % PEOPLE.length]}, town ${this.town})`;
}

class DeleteAccount implements Cmd {
  constructor(readonly actor: number) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor);
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    // Only the owner can: their own session, password and (if on) second factor.
    if (actor.totpSecret) await forgetLastStep(r, actor);
    const code = actor.totpSecret ? { code: totpCode(actor.totpSecret, Date.now()) } : {};
    const result = await outcome(
      r,
      callerOf(r, actor).account.delete({ password: actor.password, confirmEmail: actor.email, ...code }),
    );
    if (actor.totpSecret) await forgetLastStep(r, actor);
    if (result.ok) {
      expect(actor.key, "the provider's staff delete no account of their own").not.toBe('platform');
      reached.deletions += 1;
      for (const map of [m.memberships, m.partnerMemberships])
        for (const key of [...map.keys()]) if (key.endsWith(`|${actor.email}`)) map.delete(key);
      for (const key of [...m.assignments.keys()]) if (key.endsWith(`|${actor.email}`)) m.assignments.delete(key);
      Object.assign(actor, { hasAccount: false, active: false, totpSecret: null, sessions: [] });
    }
    await checkInvariants(m, r);
  }
  toString = () => `DeleteAccount(${PEOPLE[this.actor % PEOPLE.length]})`;
}

class Onboard implements Cmd {
  constructor(
    readonly actor: number,
    readonly admin: number,
  ) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor) && m.onboarded < 2;
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const admin = person(m, this.admin);
    const name = `Modellstadt ${m.run} ${m.onboarded + 1}`;
    const result = await outcome(
      r,
      callerOf(r, actor).tenants.onboard({
        name,
        ags: `15${String(++agsCounter).padStart(6, '0')}`,
        bundesland: '15',
        partnerId: null,
        hubName: 'Hub',
        adminEmail: admin.email,
        idempotencyKey: randomUUID(),
      }),
    );
    if (result.ok) {
      expect(actor.key, 'only the provider onboards').toBe('platform');
      m.onboarded += 1;
      const hub = await r.superuser.query(`SELECT id FROM "Hub" WHERE "tenantId" = $1`, [result.value.tenant.id]);
      m.towns.push({
        id: result.value.tenant.id,
        slug: result.value.tenant.slug,
        hubId: hub.rows[0].id,
        partnerId: null,
      });
      // The provider makes a pending account the town's admin; an active one has to accept.
      if (!admin.active) m.memberships.set(`${result.value.tenant.id}|${admin.email}`, 'town-admin');
      admin.hasAccount = true;
    }
    await checkInvariants(m, r);
  }
  toString = () => `Onboard(${PEOPLE[this.actor % PEOPLE.length]}, admin ${PEOPLE[this.admin % PEOPLE.length]})`;
}

class RegisterPartner implements Cmd {
  constructor(
    readonly actor: number,
    readonly admin: number,
  ) {}
  check = (m: Readonly<Model>) => signedIn(m as Model, this.actor) && m.partners.length < 3;
  async run(m: Model, r: Real) {
    const actor = person(m, this.actor);
    const admin = person(m, this.admin);
    const result = await outcome(
      r,
      callerOf(r, actor).partners.register({
        kind: 'regional-provider',
        name: `Anbieter ${m.run} ${m.partners.length}`,
        region: 'Modell',
        adminEmail: admin.email,
        idempotencyKey: randomUUID(),
      }),
    );
    if (result.ok) {
      expect(actor.key, 'only the provider registers partners').toBe('platform');
      m.partners.push(result.value.partner.id);
      if (!admin.active) m.partnerMemberships.set(`${result.value.partner.id}|${admin.email}`, 'partner-admin');
      admin.hasAccount = true;
    }
    await checkInvariants(m, r);
  }
  toString = () =>
    `RegisterPartner(${PEOPLE[this.actor % PEOPLE.length]}, admin ${PEOPLE[this.admin % PEOPLE.length]})`;
}

const who = fc.nat({ max: PEOPLE.length - 1 });
const where = fc.nat({ max: 5 });
const tenantRole = fc.constantFrom<TenantRole>('town-admin', 'hub-manager', 'hub-staff', 'member');
/** Signing in comes first more often: most commands need a session. */
const command = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(who, who, fc.nat(3)).map(([a, t, self]) => new SignIn(a, self > 0 ? a : t) as Cmd) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(who, who, where, fc.oneof(tenantRole, fc.constant('partner-staff' as const)), fc.boolean())
      .map(([a, t, s, role, hub]) => new Invite(a, t, s, role, hub) as Cmd),
  },
  { weight: 4, arbitrary: fc.tuple(who, fc.nat(3)).map(([a, pick]) => new Accept(a, pick) as Cmd) },
  { weight: 2, arbitrary: fc.tuple(who, who).map(([a, t]) => new ResetPassword(a, t) as Cmd) },
  { weight: 1, arbitrary: who.map((a) => new EnableTotp(a) as Cmd) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(who, where, who, fc.constantFrom('hub-manager' as const, 'hub-staff' as const))
      .map(([a, t, p, role]) => new Assign(a, t, p, role) as Cmd),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(who, where, who, tenantRole).map(([a, t, p, role]) => new ChangeRole(a, t, p, role) as Cmd),
  },
  { weight: 2, arbitrary: fc.tuple(who, where, who).map(([a, t, p]) => new RemoveMember(a, t, p) as Cmd) },
  { weight: 1, arbitrary: who.map((a) => new DeleteAccount(a) as Cmd) },
  { weight: 1, arbitrary: fc.tuple(fc.constant(0), who).map(([a, admin]) => new Onboard(a, admin) as Cmd) },
  { weight: 1, arbitrary: fc.tuple(fc.constant(0), who).map(([a, admin]) => new RegisterPartner(a, admin) as Cmd) },
);

describe('account lifecycle (model-based)', () => {
  it(
    `keeps accounts, memberships and roles with their owners over ${RUNS} random sequences`,
    { timeout: 600_000 },
    async () => {
      const started = performance.now();
      // Runs are independent (each its own world), so four go side by side: the database works while Node waits.
      await Promise.all(
        Array.from({ length: LANES }, () =>
          fc.assert(
            fc.asyncProperty(fc.commands([command], { maxCommands: 8 }), async (commands) => {
              const model = await newWorld();
              await fc.asyncModelRun(() => ({ model, real: { api, superuser, answers: [] } }), commands);
            }),
            { numRuns: Math.ceil(RUNS / LANES) },
          ),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `account lifecycle model: ${RUNS} sequences, ${steps} steps (${reached.activations} activations, ${reached.resets} resets, ${reached.deletions} deletions), ${seconds.toFixed(1)} s`,
      );
      expect(reached.deletions, 'no sequence deleted an account').toBeGreaterThan(0);
      expect(runCounter).toBeGreaterThanOrEqual(RUNS);
    },
  );
});
