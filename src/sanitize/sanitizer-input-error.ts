// Thrown by sanitizeValue for input it will not walk: nesting deeper than
// MAX_DEPTH. The message is safe to show to the sender (it quotes nothing of
// the input), so intakes answer it with a 400.
export class SanitizerInputError extends Error {
  override readonly name = 'SanitizerInputError';
}
