export type CheckpointErrorReason =
  | 'malformed note'
  | 'unknown key'
  | 'bad signature'
  | 'malformed checkpoint'
  | 'malformed key';

/**
 * Why a signed note or checkpoint was refused. Callers branch on `reason`, never on `message`;
 * the message adds detail for humans (`bad signature: key log.example+1a2b3c4d`).
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly reason: CheckpointErrorReason;

  constructor(reason: CheckpointErrorReason, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? reason : `${reason}: ${detail}`, options);
    this.reason = reason;
  }
}
