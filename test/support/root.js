/** The repository's root directory, with a trailing slash (what tests spawn programs and read files from). */
export const ROOT = new URL('../../', import.meta.url).pathname;
