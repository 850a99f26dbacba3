import type { Person } from '@/lib/client/api';
import { buttonClass, inputClass } from '../styles';
import type { Mode } from './use-registration';

/** Step 1: who is registered (name, optional external id), and how faces are added. Read-only once the person exists. */
export function PersonForm({
  formId,
  name,
  onNameChange,
  externalId,
  onExternalIdChange,
  nameError,
  nameRef,
  person,
  mode,
  onChoose,
}: {
  formId: string;
  name: string;
  onNameChange: (name: string) => void;
  externalId: string;
  onExternalIdChange: (externalId: string) => void;
  nameError: string | null;
  nameRef: React.RefObject<HTMLInputElement | null>;
  person: Person | null;
  mode: Mode | null;
  onChoose: (mode: Mode) => void;
}) {
  return (
    <form
      id={formId}
      onSubmit={(e) => {
        e.preventDefault();
        onChoose('camera');
      }}
      className="space-y-4 rounded-lg border border-slate-800 bg-slate-900/60 p-4"
      aria-labelledby={`${formId}-title`}
    >
      <h2 id={`${formId}-title`} className="text-lg font-semibold">
        1. Who is it?
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`${formId}-name`} className="block font-medium text-slate-200">
            Name
          </label>
          <input
            ref={nameRef}
            id={`${formId}-name`}
            value={name}
            onChange={(e) => onNameChange(e.target.value)}
            required
            maxLength={200}
            autoComplete="off"
            readOnly={!!person}
            aria-invalid={!!nameError}
            aria-describedby={nameError ? `${formId}-name-error` : undefined}
            className={`${inputClass} read-only:border-slate-800 read-only:text-slate-300`}
          />
          {nameError && (
            <p id={`${formId}-name-error`} className="text-sm text-red-300">
              {nameError}
            </p>
          )}
        </div>
        <div className="space-y-1">
          <label htmlFor={`${formId}-ext`} className="block font-medium text-slate-200">
            External id <span className="font-normal text-slate-400">(optional)</span>
          </label>
          <input
            id={`${formId}-ext`}
            value={externalId}
            onChange={(e) => onExternalIdChange(e.target.value)}
            maxLength={200}
            autoComplete="off"
            readOnly={!!person}
            aria-describedby={`${formId}-ext-help`}
            className={`${inputClass} read-only:border-slate-800 read-only:text-slate-300`}
          />
          <p id={`${formId}-ext-help`} className="text-sm text-slate-400">
            An id from another system (badge number, employee id), returned with every match.
          </p>
        </div>
      </div>
      {person && (
        <p className="text-sm text-slate-300">
          Registering <strong className="text-slate-100">{person.name}</strong>. Faces are added to this person as they are
          accepted.
        </p>
      )}
      <div className="flex flex-wrap gap-2" role="group" aria-label="How to add faces">
        <button type="submit" className={mode === 'camera' ? buttonClass.primary : buttonClass.secondary} aria-pressed={mode === 'camera'}>
          Start camera
        </button>
        <button
          type="button"
          className={mode === 'upload' ? buttonClass.primary : buttonClass.secondary}
          aria-pressed={mode === 'upload'}
          onClick={() => onChoose('upload')}
        >
          Upload photos
        </button>
      </div>
    </form>
  );
}
