import { useNavigation } from '@remix-run/react';

/**
 * A submit button that says what is happening while its form is on the way.
 * `pendingWhen` tells several forms on one page apart by their hidden fields
 * (e.g. `{ intent: 'rename', hubId }`).
 */
export function SubmitButton({
  label,
  pendingLabel,
  pendingWhen,
  variant = 'primary',
}: {
  label: string;
  pendingLabel: string;
  pendingWhen?: Record<string, string>;
  variant?: 'primary' | 'secondary';
}) {
  const pending = useIsSubmitting(pendingWhen);
  return (
    <button
      type="submit"
      className={`button button--${variant}`}
      aria-disabled={pending || undefined}
      onClick={(event) => {
        // A second click while the first is on the way would only queue a duplicate.
        if (pending) event.preventDefault();
      }}
    >
      {pending ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {pendingLabel}
        </>
      ) : (
        label
      )}
    </button>
  );
}

export function useIsSubmitting(pendingWhen?: Record<string, string>): boolean {
  const navigation = useNavigation();
  if (navigation.state !== 'submitting' || !navigation.formData) return false;
  const formData = navigation.formData;
  return Object.entries(pendingWhen ?? {}).every(([name, value]) => formData.get(name) === value);
}
