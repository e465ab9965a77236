import type { ComponentChildren } from 'preact';
import { messageFor, type ApiError } from '../api/api-error.js';

/** A labelled form control with the driver's message about that field right under it. */
export function Field({ label, name, error, hint, children }: { label: string; name: string; error: ApiError | null; hint?: string; children: ComponentChildren }) {
  const message = messageFor(error, name);
  return (
    <label class={message ? 'field invalid' : 'field'}>
      <span>{label}</span>
      {children}
      {hint && !message && <small class="muted">{hint}</small>}
      {message && <small class="field-error" data-field={name} role="alert">{message}</small>}
    </label>
  );
}

/** Messages that name no field shown on the form: they go above the submit button. */
export function OtherErrors({ error, fields }: { error: ApiError | Error | null; fields: string[] }) {
  if (!error) return null;
  if (!('fields' in error)) return <p class="error" role="alert">{error.message}</p>;
  const unplaced = error.messages.filter((m) => !fields.some((f) => messageFor(error, f) === m));
  return unplaced.length ? <p class="error" role="alert">{unplaced.join('; ')}</p> : null;
}
