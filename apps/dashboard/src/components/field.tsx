import type { ComponentChildren } from 'preact';
import { TuskApiError } from '@tusk/client';

/** A labelled form control with the driver's message about that field right under it. */
export function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: string;
  error: TuskApiError | null;
  hint?: string;
  children: ComponentChildren;
}) {
  const message = error?.messageFor(name);
  return (
    <label class={message ? 'field invalid' : 'field'}>
      <span>{label}</span>
      {children}
      {hint && !message && <small class="muted">{hint}</small>}
      {message && (
        <small class="field-error" data-field={name} role="alert">
          {message}
        </small>
      )}
    </label>
  );
}

/** Messages that name no field shown on the form: they go above the submit button. */
export function OtherErrors({ error, fields }: { error: TuskApiError | Error | null; fields: string[] }) {
  if (!error) return null;
  if (!(error instanceof TuskApiError))
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  const unplaced = error.messages.filter((m) => !fields.some((f) => error.messageFor(f) === m));
  return unplaced.length ? (
    <p class="error" role="alert">
      {unplaced.join('; ')}
    </p>
  ) : null;
}
