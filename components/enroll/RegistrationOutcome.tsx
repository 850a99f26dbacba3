import Link from 'next/link';
import type { Person } from '@/lib/client/api';
import { Banner } from '../Banner';
import { buttonClass } from '../styles';
import type { Mode } from './use-registration';

/**
 * Where the registration stands: registered (with Done and "Register someone else"), or a
 * person with no accepted face yet, who can be deleted so no empty entry is left.
 */
export function RegistrationOutcome({
  person,
  mode,
  ready,
  showEmpty,
  deleting,
  onRestart,
  onDelete,
}: {
  person: Person;
  mode: Mode;
  ready: boolean;
  /** Something was tried and nothing accepted: offer to delete the empty entry. */
  showEmpty: boolean;
  deleting: boolean;
  onRestart: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      {ready && (
        <Banner
          tone="success"
          title={`${person.name} is registered`}
          action={
            <div className="flex flex-wrap gap-2">
              <Link href="/" className={buttonClass.primary}>
                Done
              </Link>
              <button type="button" className={buttonClass.secondary} onClick={onRestart}>
                Register someone else
              </button>
            </div>
          }
        >
          {person.name} is recognised from now on. {mode === 'camera' ? 'More shots can still be added.' : 'More photos can still be added.'}
        </Banner>
      )}

      {showEmpty && (
        <Banner
          tone="warning"
          title={`No face of ${person.name} has been accepted yet`}
          action={
            <button type="button" className={buttonClass.danger} onClick={onDelete} disabled={deleting}>
              {deleting ? 'Deleting…' : `Delete ${person.name}`}
            </button>
          }
        >
          Follow the hints and try again, or delete {person.name} so that no empty entry is left.
        </Banner>
      )}
    </>
  );
}
