/** A failure a user can act on: what went wrong, and what to do about it. */
export class PhaseError extends Error {
  constructor(message: string, readonly hint?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
