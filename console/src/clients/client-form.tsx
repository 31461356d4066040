import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-errors.js';
import type { Client } from '../api/types.js';
import { useSession } from '../shared/console-context.js';
import { changesOf, newClientOf, type FormValues } from './client-form-values.js';


/** Add a client (no `editing`) or change one; the API's field errors are shown next to their fields. */
export function ClientForm({ editing, onSaved, onCancel }: { editing: Client | null; onSaved: (client: Client) => void; onCancel: () => void }) {
  const { api, describe } = useSession();
  const [values, setValues] = useState<FormValues>(() => ({
    slug: editing?.slug ?? '',
    name: editing?.name ?? '',
    apiBaseUrl: editing?.apiBaseUrl ?? '',
    apiToken: '',
    requestsPerMinute: editing?.requestsPerMinute === null || editing === null ? '' : String(editing.requestsPerMinute),
    active: editing?.active ?? true,
  }));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idPrefix = editing ? `edit-${editing.slug}` : 'new-client';

  const set = (name: keyof FormValues) => (event: Event) => {
    const input = event.target as HTMLInputElement;
    setValues({ ...values, [name]: input.type === 'checkbox' ? input.checked : input.value });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const saved = editing ? await api.updateClient(editing.slug, changesOf(values, editing)) : await api.registerClient(newClientOf(values));
      onSaved(saved);
    } catch (caught) {
      if (caught instanceof ApiError && Object.keys(caught.fields).length) {
        setFieldErrors(caught.fields);
        setError('Some fields need a change: see below.');
      } else if (caught instanceof ApiError && caught.status === 409) {
        setFieldErrors({ slug: 'is taken by another client' });
        setError('Another client has this slug.');
      } else {
        setError(describe(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof FormValues, label: string, input: { type?: 'text' | 'url' | 'password'; required?: boolean; placeholder?: string; autocomplete?: string; inputMode?: string; disabled?: boolean }, help?: string) => {
    const id = `${idPrefix}-${name}`;
    const problem = fieldErrors[name];
    const described = [help ? `${id}-help` : null, problem ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <input
          id={id}
          name={name}
          type={(input.type ?? 'text') as 'text'}
          value={values[name] as string}
          required={input.required}
          placeholder={input.placeholder}
          autocomplete={input.autocomplete ?? 'off'}
          inputMode={input.inputMode as 'numeric' | undefined}
          disabled={input.disabled}
          spellcheck={false}
          onInput={set(name)}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={described}
        />
        {help && (
          <small id={`${id}-help`} class="muted">
            {help}
          </small>
        )}
        {problem && (
          <p id={`${id}-error`} class="field-error">
            {label}: {problem}
          </p>
        )}
      </div>
    );
  };

  return (
    <form class="card client-form" onSubmit={submit} aria-labelledby={`${idPrefix}-title`} noValidate>
      <h2 id={`${idPrefix}-title`}>{editing ? `Edit ${editing.slug}` : 'Add a client'}</h2>
      {error && (
        <p class="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div class="form-grid">
        {field('slug', 'Slug', { required: true, disabled: editing !== null, placeholder: 'acme' }, editing ? 'A client’s slug never changes.' : 'Lowercase letters, digits, "-" and "_".')}
        {field('name', 'Name', { required: true, placeholder: 'Acme Ltd' })}
        {field('apiBaseUrl', 'Base URL', { type: 'url', required: true, placeholder: 'https://acme.helpdesk.example/api/v1' })}
        {field('apiToken', 'API token', { type: 'password', required: editing === null, autocomplete: 'new-password' }, editing ? `Write-only: leave empty to keep the current one (${editing.apiToken}).` : 'Write-only: never shown again.')}
        {field('requestsPerMinute', 'Rate limit (requests per minute)', { inputMode: 'numeric', placeholder: 'service default' }, 'Empty: the service default.')}
      </div>
      {editing && (
        <div class="field field--inline">
          <input id={`${idPrefix}-active`} type="checkbox" checked={values.active} onInput={set('active')} />
          <label for={`${idPrefix}-active`}>Active (inactive clients are skipped by every run)</label>
        </div>
      )}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {editing ? 'Save changes' : 'Save client'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
