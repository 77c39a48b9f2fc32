/**
 * Text the service accepts: well-formed Unicode without NUL. A lone UTF-16 surrogate cannot be
 * encoded as UTF-8 or canonicalized (RFC 8785) for the audit chain, and NUL is cut short by some
 * drivers and terminals; both are refused where input enters, naming the field, instead of failing
 * deep inside a write.
 */

export const WELL_FORMED_TEXT_MESSAGE = 'must be valid Unicode text (no lone surrogates, no NUL characters)';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value) && !value.includes('\u0000');
}

/** The refinement every request schema puts on its free-text fields: `z.string().refine(...WELL_FORMED_TEXT)`. */
export const WELL_FORMED_TEXT = [isWellFormedText, WELL_FORMED_TEXT_MESSAGE] as const;
