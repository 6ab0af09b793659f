import type { StateWrite, TimerChange } from './store.ts';

/** The mistakes every store refuses before anything is written, so that stores cannot differ on them. */
export function assertValidWrite(write: StateWrite): void {
  const { customerId, expectedRev, state } = write;
  if (!Number.isSafeInteger(expectedRev) || expectedRev < 0) {
    throw new RangeError(`write for ${customerId}: expectedRev must be a non-negative integer, got ${expectedRev}`);
  }
  // A revision that does not move forward would let two writers holding the same read both succeed.
  if (!Number.isSafeInteger(state.rev) || state.rev <= expectedRev) {
    throw new RangeError(`write for ${customerId}: state.rev ${state.rev} must be an integer above expectedRev ${expectedRev}`);
  }
  if (state.customerId !== customerId) {
    throw new Error(`write for ${customerId} carries the state of ${state.customerId}`);
  }
}

export function assertValidTimer(timer: TimerChange): void {
  if (timer.due !== null && !Number.isFinite(timer.due)) {
    throw new RangeError(`timer for ${timer.customerId}: due must be finite UTC millis or null, got ${timer.due}`);
  }
}
