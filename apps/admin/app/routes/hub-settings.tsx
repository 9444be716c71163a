import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { bundeslandName, localParts } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextAreaField, TextField } from '~/components/field.tsx';
import { OpeningHoursList } from '~/components/opening-hours.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { DISPLAY_TIME_ZONE, type MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { mutateWithParams } from '~/lib/mutate-with-params.server.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'hubSettings.link');

const FLAGS = [
  'step-free',
  'lift',
  'accessible-toilet',
  'hearing-loop',
  'accessible-parking',
  'tactile-guidance',
  'quiet-room',
] as const;
const PROFILE_TEXT = [
  'name',
  'thematicFocus',
  'description',
  'street',
  'postalCode',
  'city',
  'contactEmail',
  'contactPhone',
  'accessibilityNotes',
] as const;

/** Hub settings: the profile, and public holidays and special hours of the hub. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const api = await apiFor(request);
  const [profile, hours, spaces] = await Promise.all([
    load(request, () => api.hubs.profile.query({ tenant: slug, hubId })),
    load(request, () => api.spaces.openingHours.query({ tenant: slug, hubId })),
    load(request, () => api.spaces.list.query({ tenant: slug, hubId })),
  ]);
  const year = Number(localParts(new Date(), DISPLAY_TIME_ZONE).date.slice(0, 4));
  // Archiving or deleting the hub asks first, on a page of its own (works without JavaScript).
  const asked = new URL(request.url).searchParams.get('confirm');
  const confirm =
    profile.canArchive && (asked === 'archiveHub' || asked === 'deleteHub')
      ? (asked as 'archiveHub' | 'deleteHub')
      : null;
  return { slug, profile, hours, canConfigure: spaces.canConfigure, years: [year, year + 1], confirm };
}

type Intent =
  | 'saveProfile'
  | 'setOpeningHours'
  | 'addClosedDay'
  | 'importHolidays'
  | 'setSpecialHours'
  | 'removeDay'
  | 'archiveHub'
  | 'unarchiveHub'
  | 'deleteHub';
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent') as Intent;
  const api = await apiFor(request);
  const failed = (errors: FormErrorKeys, values: Record<string, string | string[]>) =>
    data({ ok: false as const, intent, errors, values, notice: null }, { status: 400 });
  const done = (key: MessageKey, params: Record<string, string> = {}) => ({
    ok: true as const,
    intent,
    errors: null,
    values: {},
    notice: { key, params },
  });

  switch (intent) {
    case 'saveProfile': {
      const flags = form.getAll('accessibility').filter((v): v is string => typeof v === 'string');
      const optional = (name: string) => text(form, name) || undefined;
      const result = await mutate(request, () =>
        api.hubs.updateProfile.mutate({
          tenant: slug,
          hubId,
          name: text(form, 'name'),
          thematicFocus: optional('thematicFocus'),
          description: optional('description'),
          street: optional('street'),
          postalCode: optional('postalCode'),
          city: optional('city'),
          contactEmail: optional('contactEmail'),
          contactPhone: optional('contactPhone'),
          accessibility: flags as Array<(typeof FLAGS)[number]>,
          accessibilityNotes: optional('accessibilityNotes'),
          isPublic: form.get('isPublic') === 'on',
        }),
      );
      if (!result.ok)
        return failed(result, {
          ...keepValues(form, PROFILE_TEXT),
          accessibility: flags,
          isPublic: form.get('isPublic') === 'on' ? 'on' : '',
        });
      return done('hubSettings.saved');
    }
    case 'setOpeningHours': {
      const week = WEEKDAYS.flatMap((weekday) => {
        const opensAt = text(form, `opens-${weekday}`);
        const closesAt = text(form, `closes-${weekday}`);
        return opensAt || closesAt ? [{ weekday, opensAt, closesAt }] : [];
      });
      const result = await mutate(request, () => api.spaces.setOpeningHours.mutate({ tenant: slug, hubId, week }));
      if (!result.ok)
        return failed(
          result,
          keepValues(
            form,
            WEEKDAYS.flatMap((d) => [`opens-${d}`, `closes-${d}`]),
          ),
        );
      return done('hub.openingHoursSaved');
    }
    case 'addClosedDay': {
      const note = text(form, 'note');
      const result = await mutate(request, () =>
        api.spaces.addClosedDay.mutate({ tenant: slug, hubId, date: text(form, 'date'), ...(note ? { note } : {}) }),
      );
      if (!result.ok) return failed(result, keepValues(form, ['date', 'note']));
      return done('hub.closedDayAdded');
    }
    case 'importHolidays': {
      const year = Number.parseInt(text(form, 'year'), 10);
      const result = await mutate(request, () => api.spaces.importHolidays.mutate({ tenant: slug, hubId, year }));
      if (!result.ok) return failed(result, {});
      return done('hubSettings.imported', {
        created: String(result.data.created),
        holidays: String(result.data.holidays),
        year: String(result.data.year),
      });
    }
    case 'setSpecialHours': {
      const note = text(form, 'note');
      const result = await mutate(request, () =>
        api.spaces.setSpecialHours.mutate({
          tenant: slug,
          hubId,
          date: text(form, 'date'),
          opensAt: text(form, 'opensAt'),
          closesAt: text(form, 'closesAt'),
          ...(note ? { note } : {}),
        }),
      );
      if (!result.ok) return failed(result, keepValues(form, ['date', 'opensAt', 'closesAt', 'note']));
      return done('hubSettings.specialHoursSaved');
    }
    case 'removeDay': {
      const result = await mutate(request, () =>
        api.spaces.removeClosedDay.mutate({ tenant: slug, hubId, date: text(form, 'date') }),
      );
      if (!result.ok) return failed(result, {});
      return done('hubSettings.removed');
    }
    case 'archiveHub':
    case 'unarchiveHub':
    case 'deleteHub': {
      const result = await mutateWithParams<unknown>(request, () =>
        intent === 'deleteHub'
          ? api.hubs.delete.mutate({ tenant: slug, hubId })
          : api.hubs.setArchived.mutate({ tenant: slug, hubId, archived: intent === 'archiveHub' }),
      );
      if (!result.ok)
        return failed(
          // A refusal with a count (bookings ahead, bookings kept) reads as one sentence.
          result.messageKey && result.params.count
            ? { formError: null, fieldErrors: { hub: [result.messageKey] } }
            : result,
          result.params,
        );
      if (intent === 'deleteHub') throw redirect(`/towns/${encodeURIComponent(slug)}`);
      return done(intent === 'archiveHub' ? 'hubSettings.archived' : 'hubSettings.unarchived');
    }
    default:
      throw notFound();
  }
}

export default function HubSettings() {
  const { slug, profile, hours, canConfigure, years, confirm } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const failedFor = (intent: Intent) => (result && !result.ok && result.intent === intent ? result : null);
  const profileFields = Object.fromEntries([
    ...PROFILE_TEXT.map((f) => [f, `profile-${f}`]),
    ['accessibility', 'profile-flag-step-free'],
    ['isPublic', 'profile-isPublic'],
  ]);
  const profileFailure = failedFor('saveProfile');
  const profileErrors = translateErrors(tr, profileFailure?.errors, profileFields);
  const values = (profileFailure?.values ?? {}) as Record<string, string | string[] | undefined>;
  const textValue = (f: (typeof PROFILE_TEXT)[number]) =>
    typeof values[f] === 'string' ? (values[f] as string) : (profile[f] ?? '');
  const flags = Array.isArray(values.accessibility) ? values.accessibility : profile.accessibility;
  const isPublic = profileFailure ? values.isPublic === 'on' : profile.isPublic;
  const editable = profile.editableFields.length > 0;
  const specialFailure = failedFor('setSpecialHours');
  const specialErrors = translateErrors(tr, specialFailure?.errors, {
    date: 'special-date',
    opensAt: 'special-opens',
    closesAt: 'special-closes',
    note: 'special-note',
  });
  const specialValues = (specialFailure?.values ?? {}) as Record<string, string>;
  const hoursFields = Object.fromEntries(
    WEEKDAYS.flatMap((d, i) => [
      [`week.${i}.opensAt`, `opens-${d}`],
      [`week.${i}.closesAt`, `closes-${d}`],
    ]),
  );
  const hoursErrors = translateErrors(tr, failedFor('setOpeningHours')?.errors, hoursFields);
  const hoursValues = failedFor('setOpeningHours')?.values as Record<string, string> | undefined;
  const closedFailure = failedFor('addClosedDay');
  const closedErrors = translateErrors(tr, closedFailure?.errors, { date: 'closed-date', note: 'closed-note' });
  const closedValues = (closedFailure?.values ?? {}) as Record<string, string>;
  const weekByDay = new Map(hours.week.map((w) => [w.weekday, w]));
  const otherErrors = translateErrors(tr, failedFor('importHolidays')?.errors ?? failedFor('removeDay')?.errors, {});
  const lifecycleFailure = failedFor('archiveHub') ?? failedFor('deleteHub') ?? failedFor('unarchiveHub');
  const lifecycleKey = lifecycleFailure?.errors.fieldErrors.hub?.[0];
  const lifecycleErrors = lifecycleKey
    ? [{ href: null, message: t(lifecycleKey as MessageKey, lifecycleFailure.values as Record<string, string>) }]
    : translateErrors(tr, lifecycleFailure?.errors, {}).summary;
  const day = (date: string) => tr.formatDate(`${date}T12:00:00Z`);
  const hubPath = `/towns/${encodeURIComponent(slug)}/hubs/${profile.id}`;

  return (
    <>
      <PageHeader title={t('hubSettings.title', { hub: profile.name })} />
      {result?.ok && result.notice ? (
        <p className="notice notice--success" role="status">
          {t(result.notice.key, result.notice.params)}
        </p>
      ) : null}
      {profile.archived ? (
        <p className="notice" role="status">
          {t('hubSettings.isArchived')}
        </p>
      ) : null}
      <ErrorSummary
        items={[
          ...lifecycleErrors,
          ...profileErrors.summary,
          ...hoursErrors.summary,
          ...closedErrors.summary,
          ...specialErrors.summary,
          ...otherErrors.summary,
        ]}
      />
      {confirm ? (
        <section aria-labelledby="confirm-title" className="card">
          <h2 id="confirm-title">{t(`hubSettings.confirm.${confirm}.title`, { name: profile.name })}</h2>
          <p>{t(`hubSettings.confirm.${confirm}.text`)}</p>
          <Form method="post" action={`${hubPath}/settings`} className="form form--inline">
            <input type="hidden" name="intent" value={confirm} />
            <SubmitButton
              label={t(`hubSettings.confirm.${confirm}.submit`)}
              pendingLabel={t('hubSettings.saving')}
              pendingWhen={{ intent: confirm }}
            />
            <Link to={`${hubPath}/settings`}>{t('space.cancelConfirm')}</Link>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="profile-title" className="card">
        <h2 id="profile-title">{t('hubSettings.profile')}</h2>
        {editable ? (
          <Form
            method="post"
            noValidate
            className="form"
            key={result?.ok && result.intent === 'saveProfile' ? 'saved' : 'profile'}
          >
            <input type="hidden" name="intent" value="saveProfile" />
            <TextField
              id="profile-name"
              name="name"
              label={t('hubSettings.name')}
              defaultValue={textValue('name')}
              errors={profileErrors.byField.name}
              autoComplete="off"
            />
            <TextField
              id="profile-thematicFocus"
              name="thematicFocus"
              optional
              label={t('hubSettings.thematicFocus')}
              hint={t('hubSettings.thematicFocusHint')}
              defaultValue={textValue('thematicFocus')}
              errors={profileErrors.byField.thematicFocus}
              autoComplete="off"
            />
            <TextAreaField
              id="profile-description"
              name="description"
              optional
              label={t('hubSettings.description')}
              defaultValue={textValue('description')}
              errors={profileErrors.byField.description}
            />
            <fieldset className="fieldset">
              <legend>{t('hubSettings.address')}</legend>
              <TextField
                id="profile-street"
                name="street"
                optional
                label={t('hubSettings.street')}
                defaultValue={textValue('street')}
                errors={profileErrors.byField.street}
                autoComplete="street-address"
              />
              <div className="form__row">
                <TextField
                  id="profile-postalCode"
                  name="postalCode"
                  optional
                  label={t('hubSettings.postalCode')}
                  defaultValue={textValue('postalCode')}
                  errors={profileErrors.byField.postalCode}
                  inputMode="numeric"
                  autoComplete="postal-code"
                />
                <TextField
                  id="profile-city"
                  name="city"
                  optional
                  label={t('hubSettings.city')}
                  defaultValue={textValue('city')}
                  errors={profileErrors.byField.city}
                  autoComplete="address-level2"
                />
              </div>
            </fieldset>
            <fieldset className="fieldset">
              <legend>{t('hubSettings.contact')}</legend>
              <div className="form__row">
                <TextField
                  id="profile-contactEmail"
                  name="contactEmail"
                  type="email"
                  optional
                  label={t('hubSettings.contactEmail')}
                  defaultValue={textValue('contactEmail')}
                  errors={profileErrors.byField.contactEmail}
                  autoComplete="email"
                />
                <TextField
                  id="profile-contactPhone"
                  name="contactPhone"
                  type="tel"
                  optional
                  label={t('hubSettings.contactPhone')}
                  defaultValue={textValue('contactPhone')}
                  errors={profileErrors.byField.contactPhone}
                  autoComplete="tel"
                />
              </div>
            </fieldset>
            <fieldset className="fieldset">
              <legend>{t('hubSettings.accessibility')}</legend>
              {FLAGS.map((flag) => (
                <div className="field field--checkbox" key={flag}>
                  <input
                    id={`profile-flag-${flag}`}
                    name="accessibility"
                    value={flag}
                    type="checkbox"
                    defaultChecked={flags.includes(flag)}
                  />
                  <label htmlFor={`profile-flag-${flag}`}>{t(`hubSettings.flag.${flag}`)}</label>
                </div>
              ))}
              <TextAreaField
                id="profile-accessibilityNotes"
                name="accessibilityNotes"
                optional
                label={t('hubSettings.accessibilityNotes')}
                defaultValue={textValue('accessibilityNotes')}
                errors={profileErrors.byField.accessibilityNotes}
                rows={3}
              />
            </fieldset>
            <div className="field field--checkbox">
              <input
                id="profile-isPublic"
                name="isPublic"
                type="checkbox"
                defaultChecked={isPublic}
                aria-describedby="profile-isPublic-hint"
              />
              <label htmlFor="profile-isPublic">{t('hubSettings.isPublic')}</label>
            </div>
            <p id="profile-isPublic-hint" className="field__hint">
              {t('hubSettings.isPublicHint')}
            </p>
            <div className="form__actions">
              <SubmitButton
                label={t('hubSettings.save')}
                pendingLabel={t('hubSettings.saving')}
                pendingWhen={{ intent: 'saveProfile' }}
              />
            </div>
          </Form>
        ) : (
          <>
            <p>{t('hubSettings.readOnly')}</p>
            <dl className="facts">
              <div>
                <dt>{t('hubSettings.thematicFocus')}</dt>
                <dd>{profile.thematicFocus ?? t('common.none')}</dd>
              </div>
              <div>
                <dt>{t('hubSettings.description')}</dt>
                <dd>{profile.description ?? t('common.none')}</dd>
              </div>
              <div>
                <dt>{t('hubSettings.address')}</dt>
                <dd>
                  {[profile.street, [profile.postalCode, profile.city].filter(Boolean).join(' ')]
                    .filter(Boolean)
                    .join(', ') || t('common.none')}
                </dd>
              </div>
              <div>
                <dt>{t('hubSettings.contact')}</dt>
                <dd>{[profile.contactEmail, profile.contactPhone].filter(Boolean).join(', ') || t('common.none')}</dd>
              </div>
              <div>
                <dt>{t('hubSettings.accessibility')}</dt>
                <dd>
                  {[...profile.accessibility.map((f) => t(`hubSettings.flag.${f}`)), profile.accessibilityNotes]
                    .filter(Boolean)
                    .join(', ') || t('common.none')}
                </dd>
              </div>
              <div>
                <dt>{t('hubSettings.visibility')}</dt>
                <dd>{profile.isPublic ? t('hubSettings.public') : t('hubSettings.notPublic')}</dd>
              </div>
            </dl>
          </>
        )}
      </section>

      <section aria-labelledby="hours-title" className="card">
        <h2 id="hours-title">{t('hub.openingHours')}</h2>
        {hours.week.length === 0 ? <p className="empty">{t('hub.openingHoursEmpty')}</p> : null}
        {canConfigure ? (
          <Form
            method="post"
            noValidate
            className="form"
            key={result?.ok && result.intent === 'setOpeningHours' ? 'saved' : 'hours'}
          >
            <input type="hidden" name="intent" value="setOpeningHours" />
            <p className="field__hint">{t('hub.openingHoursHint')}</p>
            {WEEKDAYS.map((d) => {
              const weekday = t(`hub.weekday.${d}`);
              const current = weekByDay.get(d);
              return (
                <div className="form__row" key={d}>
                  <TextField
                    id={`opens-${d}`}
                    name={`opens-${d}`}
                    type="time"
                    optional
                    label={t('hub.opensAt', { day: weekday })}
                    defaultValue={hoursValues?.[`opens-${d}`] ?? current?.opensAt ?? ''}
                    errors={hoursErrors.byField[`week.${d - 1}.opensAt`]}
                  />
                  <TextField
                    id={`closes-${d}`}
                    name={`closes-${d}`}
                    type="time"
                    optional
                    label={t('hub.closesAt', { day: weekday })}
                    defaultValue={hoursValues?.[`closes-${d}`] ?? current?.closesAt ?? ''}
                    errors={hoursErrors.byField[`week.${d - 1}.closesAt`]}
                  />
                </div>
              );
            })}
            <div className="form__actions">
              <SubmitButton
                label={t('hub.saveOpeningHours')}
                pendingLabel={t('hub.savingOpeningHours')}
                pendingWhen={{ intent: 'setOpeningHours' }}
              />
            </div>
          </Form>
        ) : (
          <OpeningHoursList week={hours.week} />
        )}
      </section>

      <section aria-labelledby="exceptions-title" className="card">
        <h2 id="exceptions-title">{t('hubSettings.exceptions')}</h2>
        <p>
          {t('hubSettings.exceptionsIntro', { bundesland: bundeslandName(profile.bundesland) ?? profile.bundesland })}
        </p>
        {canConfigure ? (
          <div className="form__actions">
            {years.map((year) => (
              <Form method="post" className="inline-form" key={year}>
                <input type="hidden" name="intent" value="importHolidays" />
                <input type="hidden" name="year" value={year} />
                <SubmitButton
                  variant="secondary"
                  label={t('hubSettings.importHolidays', { year })}
                  pendingLabel={t('hubSettings.importing')}
                  pendingWhen={{ intent: 'importHolidays', year: String(year) }}
                />
              </Form>
            ))}
          </div>
        ) : null}

        <h3>{t('hubSettings.closedDaysTitle')}</h3>
        {hours.closedDays.length === 0 ? (
          <p className="empty">{t('hub.closedDaysEmpty')}</p>
        ) : (
          <ul>
            {hours.closedDays.map((c) => (
              <li key={c.date}>
                {day(c.date)}
                {c.note ? ` – ${c.note}` : ''}
                {c.holiday ? ` (${t('hubSettings.holiday')})` : ''}
                {canConfigure ? (
                  <RemoveDay date={c.date} label={t('hubSettings.removeLabel', { date: day(c.date) })} />
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canConfigure ? (
          <Form
            method="post"
            noValidate
            className="form form--inline"
            key={result?.ok && result.intent === 'addClosedDay' ? `closed-${hours.closedDays.length}` : 'closed'}
          >
            <input type="hidden" name="intent" value="addClosedDay" />
            <TextField
              id="closed-date"
              name="date"
              type="date"
              label={t('hub.closedDay')}
              defaultValue={closedValues.date}
              errors={closedErrors.byField.date}
            />
            <TextField
              id="closed-note"
              name="note"
              optional
              label={t('hub.closedDayNote')}
              defaultValue={closedValues.note}
              errors={closedErrors.byField.note}
              autoComplete="off"
            />
            <SubmitButton
              variant="secondary"
              label={t('hub.addClosedDay')}
              pendingLabel={t('hub.addingClosedDay')}
              pendingWhen={{ intent: 'addClosedDay' }}
            />
          </Form>
        ) : null}
        <h3>{t('hubSettings.specialDaysTitle')}</h3>
        {hours.specialDays.length === 0 ? (
          <p className="empty">{t('hubSettings.noneSpecial')}</p>
        ) : (
          <ul>
            {hours.specialDays.map((s) => (
              <li key={s.date}>
                {t('hubSettings.specialDay', { date: day(s.date), from: s.opensAt, to: s.closesAt })}
                {s.note ? ` – ${s.note}` : ''}
                {canConfigure ? (
                  <RemoveDay date={s.date} label={t('hubSettings.removeLabel', { date: day(s.date) })} />
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canConfigure ? (
          <Form
            method="post"
            noValidate
            className="form"
            key={result?.ok && result.intent === 'setSpecialHours' ? `special-${hours.specialDays.length}` : 'special'}
          >
            <input type="hidden" name="intent" value="setSpecialHours" />
            <h3>{t('hubSettings.specialHours')}</h3>
            <p className="field__hint">{t('hubSettings.specialHoursHint')}</p>
            <div className="form__row">
              <TextField
                id="special-date"
                name="date"
                type="date"
                label={t('hubSettings.date')}
                defaultValue={specialValues.date}
                errors={specialErrors.byField.date}
              />
              <TextField
                id="special-opens"
                name="opensAt"
                type="time"
                label={t('hubSettings.opensAt')}
                defaultValue={specialValues.opensAt}
                errors={specialErrors.byField.opensAt}
              />
              <TextField
                id="special-closes"
                name="closesAt"
                type="time"
                label={t('hubSettings.closesAt')}
                defaultValue={specialValues.closesAt}
                errors={specialErrors.byField.closesAt}
              />
            </div>
            <TextField
              id="special-note"
              name="note"
              optional
              label={t('hubSettings.note')}
              defaultValue={specialValues.note}
              errors={specialErrors.byField.note}
              autoComplete="off"
            />
            <div className="form__actions">
              <SubmitButton
                label={t('hubSettings.saveSpecialHours')}
                pendingLabel={t('hubSettings.saving')}
                pendingWhen={{ intent: 'setSpecialHours' }}
              />
            </div>
          </Form>
        ) : null}
      </section>

      {profile.canArchive ? (
        <section aria-labelledby="hub-lifecycle-title" className="card">
          <h2 id="hub-lifecycle-title">{t('hubSettings.lifecycleTitle')}</h2>
          <p>{t('hubSettings.lifecycleIntro')}</p>
          {profile.archived ? (
            <Form method="post" className="form form--inline">
              <input type="hidden" name="intent" value="unarchiveHub" />
              <SubmitButton
                label={t('hubSettings.unarchive')}
                pendingLabel={t('hubSettings.saving')}
                pendingWhen={{ intent: 'unarchiveHub' }}
              />
            </Form>
          ) : (
            <p>
              <Link to="?confirm=archiveHub">{t('hubSettings.archive')}</Link>
            </p>
          )}
          <p>
            <Link to="?confirm=deleteHub">{t('hubSettings.delete')}</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}

function RemoveDay({ date, label }: { date: string; label: string }) {
  const { t } = useT();
  return (
    <Form method="post" className="inline-form" aria-label={label}>
      <input type="hidden" name="intent" value="removeDay" />
      <input type="hidden" name="date" value={date} />{' '}
      <button type="submit" className="button button--ghost" aria-label={label}>
        {t('hubSettings.remove')}
      </button>
    </Form>
  );
}
