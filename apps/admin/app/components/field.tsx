import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from 'react';
import { useT } from '~/i18n/use-t.ts';

interface FieldShellProps {
  id: string;
  label: string;
  hint?: string | undefined;
  errors?: string[] | undefined;
  optional?: boolean | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}

function FieldShell({ id, label, hint, errors, optional, children }: FieldShellProps) {
  const { t } = useT();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors && errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={errorId ? 'field field--error' : 'field'}>
      <label htmlFor={id} className="field__label">
        {label}
        {optional ? <span className="field__optional"> ({t('common.optional')})</span> : null}
      </label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p id={errorId} className="field__error">
          <span className="visually-hidden">{t('form.errorPrefix')} </span>
          {errors?.join(' ')}
        </p>
      ) : null}
      {children(describedBy, Boolean(errorId))}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'children'>;

export function TextField({
  id,
  name,
  label,
  hint,
  errors,
  optional,
  className,
  ...input
}: {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  errors?: string[] | undefined;
  optional?: boolean;
} & InputProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} optional={optional}>
      {(describedBy, invalid) => (
        <input
          id={id}
          name={name}
          className={['input', className].filter(Boolean).join(' ')}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          required={!optional}
          {...input}
        />
      )}
    </FieldShell>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'name' | 'children'>;

export function TextAreaField({
  id,
  name,
  label,
  hint,
  errors,
  optional,
  ...textarea
}: {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  errors?: string[] | undefined;
  optional?: boolean;
} & TextAreaProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} optional={optional}>
      {(describedBy, invalid) => (
        <textarea
          id={id}
          name={name}
          className="input"
          rows={4}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          required={!optional}
          {...textarea}
        />
      )}
    </FieldShell>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export function SelectField({
  id,
  name,
  label,
  hint,
  errors,
  optional,
  options,
  placeholder,
  defaultValue,
}: {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  errors?: string[] | undefined;
  optional?: boolean;
  options: SelectOption[];
  /** A first, empty choice ("Bitte wählen" / "Kein Partner"). */
  placeholder?: string;
  defaultValue?: string | undefined;
}) {
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} optional={optional}>
      {(describedBy, invalid) => (
        <select
          id={id}
          name={name}
          className="select"
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          required={!optional}
          defaultValue={defaultValue ?? ''}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
