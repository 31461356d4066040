import { useRef, useState } from 'preact/hooks';
import type { OptionalAction } from './optional-actions.js';

/** A small modal form for an action's parameters, then the trigger. */
export function OptionalActionButton({ action, slug, onRun }: { action: OptionalAction; slug: string; onRun: (path: string, body: unknown) => Promise<void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onRun(action.path(slug), action.body(values));
      dialog.current?.close();
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="secondary" aria-label={`${action.label} ${slug}`} onClick={() => dialog.current?.showModal()}>
        {action.label}
      </button>
      <dialog ref={dialog} aria-label={`${action.label} ${slug}`}>
        <form onSubmit={submit}>
          <h3>
            {action.label} {slug}
          </h3>
          {action.fields.map((field) => (
            <div class={field.type === 'checkbox' ? 'field field--inline' : 'field'} key={field.name}>
              {field.type !== 'checkbox' && <label for={`${action.label}-${slug}-${field.name}`}>{field.label}</label>}
              <input
                id={`${action.label}-${slug}-${field.name}`}
                type={field.type}
                required={field.required}
                onInput={(event) => {
                  const input = event.target as HTMLInputElement;
                  setValues({ ...values, [field.name]: field.type === 'checkbox' ? input.checked : input.value });
                }}
              />
              {field.type === 'checkbox' && <label for={`${action.label}-${slug}-${field.name}`}>{field.label}</label>}
            </div>
          ))}
          <div class="actions">
            <button type="submit" disabled={busy}>
              Start
            </button>
            <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
