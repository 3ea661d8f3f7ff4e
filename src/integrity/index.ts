export { canonicalJson } from './canonical-json.js';
export {
  appendLeaf,
  buildLevels,
  consistencyFromLevels,
  consistencyProof,
  emptyRoot,
  frontierRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type Frontier,
} from './merkle.js';
export { CheckpointError, type CheckpointErrorReason } from './checkpoint-error.js';
export {
  createNoteSigner,
  generateSigningKey,
  openNote,
  parseVerifierKey,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
} from './signed-note.js';
export {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointInput,
  type OpenedCheckpoint,
} from './checkpoint.js';
export {
  verifyLog,
  type CheckpointRecord,
  type CheckpointStatus,
  type KeyUse,
  type LeafRecord,
  type LogVerification,
  type VerifyLogInput,
} from './verify-log.js';
export {
  buildInclusionProofs,
  verifyBundle,
  type Bundle,
  type BundleConsistency,
  type BundleEvent,
  type BundleVerification,
  type EventStatus,
} from './verify-bundle.js';
export { COMMITMENT_KEY, TEXT_DOMAIN, commitText, commitmentOf, newSalt } from './commit-text.js';
export { LEAF_VERSION, buildLeaf, encodeLeaf, type Leaf } from './leaf.js';
export { bundleShapeProblem, checkBundleFile, type BundleFileCheck } from './check-bundle-file.js';
export { bundleVerifierPath } from './bundle-verifier-path.js';
export { signWebhook, webhookSignature, WEBHOOK_KEY_PATTERN } from './webhook-signature.js';
export {
  candidateVerifiers, describeKeyUse, keyIdOf, signerOf, keyProblem, resolveKeyHistory, rotationOfLeaf, type KeyHistory, type KeyPeriod, type KeyRotation, type KeyTrust, type SignedCheckpoint,
} from './key-history.js';
