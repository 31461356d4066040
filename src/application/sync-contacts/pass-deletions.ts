import type { PassDeletions, UnseenContact } from '../../domain/ports/contact-store.port.js';
import { deletionGuardHolds } from './deletion-guard.js';

export interface DecidedDeletions extends PassDeletions {
  /** The deletion guard held this pass's new deletions (`hold`). */
  guardHeld: boolean;
}

/**
 * What a complete pass does with the contacts it found missing:
 * - one an earlier pass already found missing (it suspected it, or proved it and the guard held
 *   it) is marked deleted, whichever way this pass found it missing;
 * - one proven missing by this pass alone is marked deleted;
 * - one only suspected by this pass alone is remembered as suspected, never deleted: the next
 *   complete pass deletes it if it finds it missing too.
 * The guard weighs every deletion but those an earlier pass held (it weighed them then): when it
 * holds, they are held instead, and the next pass that finds them missing deletes them.
 */
export function decideDeletions(unseen: UnseenContact[], found: { missing: string[]; suspected: string[] }, live: number, guard: number): DecidedDeletions {
  const earlier = new Map(unseen.map((contact) => [contact.id, contact]));
  const wasHeld = (id: string) => earlier.get(id)?.deletionHeld === true;
  const wasSuspected = (id: string) => earlier.get(id)?.deletionSuspected === true;
  const foundMissing = [...found.missing, ...found.suspected];

  const heldBefore = foundMissing.filter(wasHeld);
  const weighed = [...found.missing.filter((id) => !wasHeld(id)), ...found.suspected.filter((id) => !wasHeld(id) && wasSuspected(id))];
  const suspect = found.suspected.filter((id) => !wasHeld(id) && !wasSuspected(id));
  const guardHeld = deletionGuardHolds(weighed.length, live, guard);
  return { delete: guardHeld ? heldBefore : [...heldBefore, ...weighed], hold: guardHeld ? weighed : [], suspect, guardHeld };
}
