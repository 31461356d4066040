import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/api-errors.js';
import { useSession } from '../shared/console-context.js';
import type { OptionalAction } from './optional-actions.js';

/**
 * A small modal form for an action's parameters, then the trigger. `onRun` throws what the API
 * refused: the dialog stays open, each field's error beside its input, anything else above the buttons.
 */
export function OptionalActionButton({ action, slug, onRun }: { action: OptionalAction; slug: string; onRun: (path: string, body: unknown) => Promise<void> }) {
  const { describe } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const idOf = (name: string) => `${action.label}-${slug}-${name}`;
  const close = () => {
    dialog.current?.close();
    setError(null);
    setFieldErrors({});
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await onRun(action.path(slug), action.body(values));
      close();
    } catch (caught) {
      const fields = caught instanceof ApiError ? caught.fields : {};
      const ours = Object.fromEntries(Object.entries(fields).filter(([name]) => action.fields.some((field) => field.name === name)));
      const others = Object.entries(fields).filter(([name]) => !(name in ours));
      setFieldErrors(ours);
      if (Object.keys(ours).length && !others.length) setError('Some fields need a change: see below.');
      else if (others.length) setError(others.map(([name, problem]) => `${name}: ${problem}`).join('; '));
      else setError(describe(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="secondary" aria-label={`${action.label} ${slug}`} onClick={() => dialog.current?.showModal()}>
        {action.label}
      </button>
      <dialog ref={dialog} aria-label={`${action.label} ${slug}`} onClose={() => setError(null)}>
        <form onSubmit={submit}>
          <h3>
            {action.label} {slug}
          </h3>
          {error && (
            <p class="notice notice--error" role="alert">
              {error}
            </p>
          )}
          {action.fields.map((field) => {
            const id = idOf(field.name);
            const problem = fieldErrors[field.name];
            const described = [field.help ? `${id}-help` : null, problem ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
            return (
              <div class={field.type === 'checkbox' ? 'field field--inline' : 'field'} key={field.name}>
                {field.type !== 'checkbox' && <label for={id}>{field.label}</label>}
                <input
                  id={id}
                  type={field.type}
                  required={field.required}
                  // Seconds, not only minutes: a window re-imported to the second the operator means.
                  step={field.type === 'datetime-local' ? 1 : undefined}
                  aria-invalid={problem ? 'true' : undefined}
                  aria-describedby={described}
                  onInput={(event) => {
                    const input = event.target as HTMLInputElement;
                    setValues({ ...values, [field.name]: field.type === 'checkbox' ? input.checked : input.value });
                  }}
                />
                {field.type === 'checkbox' && <label for={id}>{field.label}</label>}
                {field.help && (
                  <small id={`${id}-help`} class="muted">
                    {field.help}
                  </small>
                )}
                {problem && (
                  <p id={`${id}-error`} class="field-error">
                    {field.label}: {problem}
                  </p>
                )}
              </div>
            );
          })}
          <div class="actions">
            <button type="submit" disabled={busy}>
              Start
            </button>
            <button type="button" class="secondary" onClick={close}>
              Close
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
