import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { integer, keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { mutateWithParams } from '~/lib/mutate-with-params.server.ts';

/**
 * Correcting a space (everything set at creation but the rules, which the
 * space page edits), its desks one by one, archiving and deleting — each
 * destructive step behind a confirmation that is a page of its own
 * (`?confirm=…`), so it works without JavaScript (docs/decisions/035).
 */
export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.space.name} bearbeiten – Hubwerk` }] : pageTitle(args, 'notFound.title');

const KINDS = ['event-room', 'showroom', 'coworking', 'meeting-room'] as const;
const CONFIRMS = ['archive', 'delete', 'archiveDesk', 'deleteDesk'] as const;
type Confirm = (typeof CONFIRMS)[number];
const isConfirm = (v: string | null): v is Confirm => (CONFIRMS as readonly string[]).includes(v ?? '');

const FIELDS = {
  name: 'space-name',
  kind: 'space-kind',
  capacity: 'space-capacity',
  deskCount: 'space-deskCount',
  amenities: 'space-amenities',
  accessibilityNotes: 'space-accessibilityNotes',
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const spaceId = params.spaceId ?? '';
  const api = await apiFor(request);
  const space = await load(request, () => api.spaces.get.query({ tenant: slug, spaceId }));
  if (!space.canConfigure) throw notFound();
  const url = new URL(request.url);
  const confirm = url.searchParams.get('confirm');
  const deskId = url.searchParams.get('desk');
  const desk = [...space.desks, ...space.archivedDesks].find((d) => d.id === deskId) ?? null;
  const pending =
    isConfirm(confirm) && (confirm === 'archive' || confirm === 'delete' || desk) ? { action: confirm, desk } : null;
  return { slug, space, confirm: pending };
}

const list = (form: FormData, name: string) =>
  text(form, name)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

type Intent =
  'update' | 'archive' | 'unarchive' | 'delete' | 'updateDesk' | 'archiveDesk' | 'unarchiveDesk' | 'deleteDesk';
const NOTICES: Record<Exclude<Intent, 'delete'>, MessageKey> = {
  update: 'space.saved',
  archive: 'space.archivedNotice',
  unarchive: 'space.unarchivedNotice',
  updateDesk: 'space.deskSaved',
  archiveDesk: 'space.deskArchivedNotice',
  unarchiveDesk: 'space.deskUnarchivedNotice',
  deleteDesk: 'space.deskDeletedNotice',
};

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const spaceId = params.spaceId ?? '';
  const form = await request.formData();
  const api = await apiFor(request);
  const intent = text(form, 'intent') as Intent;
  const deskId = text(form, 'deskId');
  const calls: Record<Intent, () => Promise<{ name?: string; hubId?: string } | { ok: true }>> = {
    update: () => {
      const kind = text(form, 'kind') as (typeof KINDS)[number];
      const notes = text(form, 'accessibilityNotes');
      return api.spaces.update.mutate({
        tenant: slug,
        spaceId,
        kind,
        name: text(form, 'name'),
        capacity: integer(form, 'capacity'),
        amenities: list(form, 'amenities'),
        ...(notes ? { accessibilityNotes: notes } : {}),
        deskCount: kind === 'coworking' ? integer(form, 'deskCount') || 0 : 0,
      });
    },
    archive: () => api.spaces.setArchived.mutate({ tenant: slug, spaceId, archived: true }),
    unarchive: () => api.spaces.setArchived.mutate({ tenant: slug, spaceId, archived: false }),
    delete: () => api.spaces.delete.mutate({ tenant: slug, spaceId }),
    updateDesk: () =>
      api.spaces.updateDesk.mutate({
        tenant: slug,
        deskId,
        name: text(form, 'name'),
        attributes: list(form, 'attributes'),
      }),
    archiveDesk: () => api.spaces.setDeskArchived.mutate({ tenant: slug, deskId, archived: true }),
    unarchiveDesk: () => api.spaces.setDeskArchived.mutate({ tenant: slug, deskId, archived: false }),
    deleteDesk: () => api.spaces.deleteDesk.mutate({ tenant: slug, deskId }),
  };
  if (!Object.hasOwn(calls, intent)) throw notFound();
  const call = calls[intent];
  // The hub page to return to once the space is gone.
  const hubId =
    intent === 'delete' ? (await load(request, () => api.spaces.get.query({ tenant: slug, spaceId }))).hubId : '';
  const result = await mutateWithParams(request, call);
  if (!result.ok)
    return data(
      {
        ok: false as const,
        intent,
        deskId,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        messageKey: result.messageKey,
        params: result.params,
        values: keepValues(form, [
          'name',
          'kind',
          'capacity',
          'deskCount',
          'amenities',
          'accessibilityNotes',
          'attributes',
        ]),
      },
      { status: 400 },
    );
  if (intent === 'delete') throw redirect(`/towns/${encodeURIComponent(slug)}/hubs/${hubId}?deleted=space`);
  return { ok: true as const, intent, deskId, notice: NOTICES[intent] };
}

export default function SpaceEdit() {
  const { slug, space, confirm } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const failed = result && !result.ok ? result : null;
  const spaceErrors = translateErrors(tr, failed?.intent === 'update' ? failed.errors : null, FIELDS);
  const deskErrors = translateErrors(tr, failed?.intent === 'updateDesk' ? failed.errors : null, {
    name: `desk-${failed?.deskId}-name`,
    attributes: `desk-${failed?.deskId}-attributes`,
  });
  // Refusals that carry a count (bookings ahead, bookings kept) are shown as one sentence.
  const refusal =
    failed && failed.intent !== 'update' && failed.intent !== 'updateDesk' && failed.messageKey && failed.params.count
      ? [{ href: null, message: t(failed.messageKey as MessageKey, failed.params) }]
      : failed && failed.intent !== 'update' && failed.intent !== 'updateDesk'
        ? translateErrors(tr, failed.errors, {}).summary
        : [];
  const values = failed?.intent === 'update' ? failed.values : {};
  const base = `/towns/${encodeURIComponent(slug)}/spaces/${space.id}`;
  const isCoworking = space.kind === 'coworking';

  return (
    <>
      <PageHeader title={t('space.editTitle', { name: space.name })} lead={t(`hub.kind.${space.kind}`)} />
      <p>
        <Link to={base}>{t('space.backToSpace', { name: space.name })}</Link>
      </p>
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t(result.notice, { name: space.name })}
        </p>
      ) : null}
      {space.archived ? (
        <p className="notice" role="status">
          {t('space.isArchived')}
        </p>
      ) : null}
      <ErrorSummary items={[...refusal, ...spaceErrors.summary, ...deskErrors.summary]} />

      {confirm ? (
        <section aria-labelledby="confirm-title" className="card">
          <h2 id="confirm-title">
            {t(`space.confirm.${confirm.action}.title`, { name: confirm.desk?.name ?? space.name })}
          </h2>
          <p>{t(`space.confirm.${confirm.action}.text`, { name: confirm.desk?.name ?? space.name })}</p>
          {/* Posted to the page without ?confirm, so the answer does not ask again. */}
          <Form method="post" action={`${base}/edit`} className="form form--inline">
            <input type="hidden" name="intent" value={confirm.action} />
            {confirm.desk ? <input type="hidden" name="deskId" value={confirm.desk.id} /> : null}
            <SubmitButton
              label={t(`space.confirm.${confirm.action}.submit`)}
              pendingLabel={t('space.working')}
              pendingWhen={{ intent: confirm.action }}
            />
            <Link to={`${base}/edit`}>{t('space.cancelConfirm')}</Link>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="details-title" className="card">
        <h2 id="details-title">{t('space.details')}</h2>
        <Form
          method="post"
          noValidate
          className="form"
          key={result?.ok && result.intent === 'update' ? 'saved' : 'edit'}
        >
          <input type="hidden" name="intent" value="update" />
          <div className="form__row">
            <SelectField
              id={FIELDS.kind}
              name="kind"
              label={t('hub.spaceKind')}
              options={KINDS.map((k) => ({ value: k, label: t(`hub.kind.${k}`) }))}
              defaultValue={values.kind ?? space.kind}
              errors={spaceErrors.byField.kind}
            />
            <TextField
              id={FIELDS.name}
              name="name"
              label={t('hub.spaceName')}
              defaultValue={values.name ?? space.name}
              errors={spaceErrors.byField.name}
              autoComplete="off"
            />
          </div>
          <div className="form__row">
            <TextField
              id={FIELDS.capacity}
              name="capacity"
              type="number"
              min={1}
              inputMode="numeric"
              label={t('hub.capacity')}
              defaultValue={values.capacity ?? String(space.capacity)}
              errors={spaceErrors.byField.capacity}
            />
            <TextField
              id={FIELDS.deskCount}
              name="deskCount"
              type="number"
              min={0}
              inputMode="numeric"
              optional
              label={t('hub.deskCount')}
              hint={t('space.deskCountEditHint')}
              defaultValue={values.deskCount ?? String(space.desks.length)}
              errors={spaceErrors.byField.deskCount}
            />
          </div>
          <TextField
            id={FIELDS.amenities}
            name="amenities"
            optional
            label={t('hub.amenities')}
            hint={t('hub.amenitiesHint')}
            defaultValue={values.amenities ?? space.amenities.join(', ')}
            errors={spaceErrors.byField.amenities}
            autoComplete="off"
          />
          <TextField
            id={FIELDS.accessibilityNotes}
            name="accessibilityNotes"
            optional
            label={t('hub.accessibilityNotes')}
            defaultValue={values.accessibilityNotes ?? space.accessibilityNotes ?? ''}
            errors={spaceErrors.byField.accessibilityNotes}
            autoComplete="off"
          />
          <div className="form__actions">
            <SubmitButton label={t('space.save')} pendingLabel={t('space.saving')} pendingWhen={{ intent: 'update' }} />
          </div>
        </Form>
      </section>

      {isCoworking || space.desks.length > 0 ? (
        <section aria-labelledby="desks-title" className="card">
          <h2 id="desks-title">{t('space.desksTitle')}</h2>
          {space.desks.length === 0 ? <p className="empty">{t('space.desksEmpty')}</p> : null}
          <ul className="plain-list">
            {space.desks.map((desk) => {
              const kept = failed?.intent === 'updateDesk' && failed.deskId === desk.id ? failed.values : {};
              return (
                <li key={desk.id}>
                  <Form method="post" noValidate className="form form--inline">
                    <input type="hidden" name="intent" value="updateDesk" />
                    <input type="hidden" name="deskId" value={desk.id} />
                    <TextField
                      id={`desk-${desk.id}-name`}
                      name="name"
                      label={t('space.deskName')}
                      defaultValue={kept.name ?? desk.name}
                      errors={failed?.deskId === desk.id ? deskErrors.byField.name : undefined}
                      autoComplete="off"
                    />
                    <TextField
                      id={`desk-${desk.id}-attributes`}
                      name="attributes"
                      optional
                      label={t('space.deskAttributes')}
                      defaultValue={kept.attributes ?? desk.attributes.join(', ')}
                      errors={failed?.deskId === desk.id ? deskErrors.byField.attributes : undefined}
                      autoComplete="off"
                    />
                    <SubmitButton
                      variant="secondary"
                      label={t('space.saveDesk', { name: desk.name })}
                      pendingLabel={t('space.saving')}
                      pendingWhen={{ intent: 'updateDesk', deskId: desk.id }}
                    />
                  </Form>
                  <p>
                    <Link to={`?confirm=archiveDesk&desk=${desk.id}`}>
                      {t('space.archiveDesk', { name: desk.name })}
                    </Link>
                    {' · '}
                    <Link to={`?confirm=deleteDesk&desk=${desk.id}`}>{t('space.deleteDesk', { name: desk.name })}</Link>
                  </p>
                </li>
              );
            })}
          </ul>
          {space.archivedDesks.length > 0 ? (
            <>
              <h3>{t('space.archivedTitle')}</h3>
              <ul className="plain-list">
                {space.archivedDesks.map((desk) => (
                  <li key={desk.id}>
                    <Form method="post" className="form form--inline">
                      {desk.name}
                      <input type="hidden" name="intent" value="unarchiveDesk" />
                      <input type="hidden" name="deskId" value={desk.id} />
                      <SubmitButton
                        variant="secondary"
                        label={t('space.unarchiveDesk', { name: desk.name })}
                        pendingLabel={t('space.working')}
                        pendingWhen={{ intent: 'unarchiveDesk', deskId: desk.id }}
                      />
                      <Link to={`?confirm=deleteDesk&desk=${desk.id}`}>
                        {t('space.deleteDesk', { name: desk.name })}
                      </Link>
                    </Form>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="lifecycle-title" className="card">
        <h2 id="lifecycle-title">{t('space.lifecycleTitle')}</h2>
        <p>{t('space.lifecycleIntro')}</p>
        {space.archived ? (
          <Form method="post" className="form form--inline">
            <input type="hidden" name="intent" value="unarchive" />
            <SubmitButton
              label={t('space.unarchive')}
              pendingLabel={t('space.working')}
              pendingWhen={{ intent: 'unarchive' }}
            />
          </Form>
        ) : (
          <p>
            <Link to="?confirm=archive">{t('space.archive')}</Link>
          </p>
        )}
        <p>
          <Link to="?confirm=delete">{t('space.delete')}</Link>
        </p>
      </section>
    </>
  );
}
