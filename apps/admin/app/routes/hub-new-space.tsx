import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { BOOKING_RULE_FIELDS, RULE_LABELS } from '~/lib/space-rules.ts';
import { integer, keepValues, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'hub.createSpace');

const KINDS = ['event-room', 'showroom', 'coworking', 'meeting-room'] as const;
const RULE_FIELDS = BOOKING_RULE_FIELDS;
const RULE_DEFAULTS: Record<(typeof RULE_FIELDS)[number], string> = {
  granularityMinutes: '30',
  minDurationMinutes: '30',
  maxDurationMinutes: '240',
  leadTimeMinutes: '0',
  horizonDays: '90',
  bufferMinutes: '0',
};

/** A new space in a hub: its own page, apart from booking (only for those who configure the hub). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const spaces = await load(request, () =>
    api.spaces.list.query({ tenant: params.slug ?? '', hubId: params.hubId ?? '' }),
  );
  if (!spaces.canConfigure) throw notFound();
  return { hub: { id: spaces.hub.id, name: spaces.hub.name } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const form = await request.formData();
  const api = await apiFor(request);
  const failed = (errors: FormErrorKeys, values: Record<string, string>) =>
    data({ ok: false as const, errors, values }, { status: 400 });

  const kind = text(form, 'kind') as (typeof KINDS)[number];
  const amenities = text(form, 'amenities')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const notes = text(form, 'accessibilityNotes');
  const result = await mutate(request, () =>
    api.spaces.create.mutate({
      tenant: slug,
      hubId,
      kind,
      name: text(form, 'name'),
      capacity: integer(form, 'capacity'),
      amenities,
      ...(notes ? { accessibilityNotes: notes } : {}),
      deskCount: kind === 'coworking' ? integer(form, 'deskCount') || 0 : 0,
      rules: {
        granularityMinutes: integer(form, 'granularityMinutes'),
        minDurationMinutes: integer(form, 'minDurationMinutes'),
        maxDurationMinutes: integer(form, 'maxDurationMinutes'),
        leadTimeMinutes: integer(form, 'leadTimeMinutes'),
        horizonDays: integer(form, 'horizonDays'),
        bufferMinutes: integer(form, 'bufferMinutes'),
        approvalRequired: form.get('approvalRequired') === 'on',
      },
    }),
  );
  if (!result.ok)
    return failed(
      result,
      keepValues(form, ['kind', 'name', 'capacity', 'deskCount', 'amenities', 'accessibilityNotes', ...RULE_FIELDS]),
    );
  // Back to the hub, which names the new space (a reload does not create it twice).
  throw redirect(`/towns/${encodeURIComponent(slug)}/hubs/${encodeURIComponent(hubId)}?created=${result.data.id}`);
}

export default function NewSpace() {
  const { hub } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const spaceFields: Record<string, string> = {
    kind: 'space-kind',
    name: 'space-name',
    capacity: 'space-capacity',
    deskCount: 'space-desks',
    amenities: 'space-amenities',
    accessibilityNotes: 'space-a11y',
    ...Object.fromEntries(RULE_FIELDS.map((f) => [`rules.${f}`, `space-${f}`])),
  };
  const spaceErrors = translateErrors(tr, result?.errors, spaceFields);
  const spaceValues = result?.values ?? {};
  return (
    <>
      <PageHeader title={t('hubNav.newSpaceTitle', { hub: hub.name })} />
      <ErrorSummary items={spaceErrors.summary} />
      <section aria-labelledby="create-space-title" className="card">
        <h2 id="create-space-title">{t('hub.createSpace')}</h2>
        <Form method="post" noValidate className="form">
          <input type="hidden" name="intent" value="createSpace" />
          <div className="form__row">
            <SelectField
              id={spaceFields.kind!}
              name="kind"
              label={t('hub.spaceKind')}
              options={KINDS.map((k) => ({ value: k, label: t(`hub.kind.${k}`) }))}
              defaultValue={spaceValues.kind ?? 'coworking'}
              errors={spaceErrors.byField.kind}
            />
            <TextField
              id={spaceFields.name!}
              name="name"
              label={t('hub.spaceName')}
              defaultValue={spaceValues.name}
              errors={spaceErrors.byField.name}
              autoComplete="off"
            />
          </div>
          <div className="form__row">
            <TextField
              id={spaceFields.capacity!}
              name="capacity"
              type="number"
              min={1}
              inputMode="numeric"
              label={t('hub.capacity')}
              defaultValue={spaceValues.capacity}
              errors={spaceErrors.byField.capacity}
            />
            <TextField
              id={spaceFields.deskCount!}
              name="deskCount"
              type="number"
              min={0}
              inputMode="numeric"
              optional
              label={t('hub.deskCount')}
              hint={t('hub.deskCountHint')}
              defaultValue={spaceValues.deskCount ?? '0'}
              errors={spaceErrors.byField.deskCount}
            />
          </div>
          <TextField
            id={spaceFields.amenities!}
            name="amenities"
            optional
            label={t('hub.amenities')}
            hint={t('hub.amenitiesHint')}
            defaultValue={spaceValues.amenities}
            errors={spaceErrors.byField.amenities}
            autoComplete="off"
          />
          <TextField
            id={spaceFields.accessibilityNotes!}
            name="accessibilityNotes"
            optional
            label={t('hub.accessibilityNotes')}
            defaultValue={spaceValues.accessibilityNotes}
            errors={spaceErrors.byField.accessibilityNotes}
            autoComplete="off"
          />
          <fieldset className="fieldset">
            <legend>{t('hub.rules')}</legend>
            <div className="form__row">
              {RULE_FIELDS.map((f) => (
                <TextField
                  key={f}
                  id={`space-${f}`}
                  name={f}
                  type="number"
                  min={0}
                  inputMode="numeric"
                  label={t(RULE_LABELS[f])}
                  defaultValue={spaceValues[f] ?? RULE_DEFAULTS[f]}
                  errors={spaceErrors.byField[`rules.${f}`]}
                />
              ))}
            </div>
            <div className="field field--checkbox">
              <input id="space-approval" name="approvalRequired" type="checkbox" />
              <label htmlFor="space-approval">{t('hub.approvalRequired')}</label>
            </div>
          </fieldset>
          <div className="form__actions">
            <SubmitButton
              label={t('hub.createSpaceSubmit')}
              pendingLabel={t('hub.createSpaceSubmitting')}
              pendingWhen={{ intent: 'createSpace' }}
            />
          </div>
        </Form>
      </section>
    </>
  );
}
