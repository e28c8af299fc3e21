/** A failure a user can act on: what went wrong, and what to do about it. */
export class PhaseError extends Error {
    hint;
    constructor(message, hint, options) {
        super(message, options);
        this.hint = hint;
    }
}
