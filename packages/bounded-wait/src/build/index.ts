/**
 * The build, as a library: what the bounded-wait-build command runs, for projects that drive it
 * from their own scripts, and its parts (the wasm rewrite, Candid comments, metadata).
 */
export { buildAll, type BuildAllOptions } from './build_all.js';
export { buildCanister, type BuildOutcome } from './build_canister.js';
export { annotateCandid, type CanisterDocs, readCanisterDocs } from './candid_comments.js';
export { type CanisterSpec, paths, readCanisters } from './canisters.js';
export { BuildError, type BuildStep, BuildUsageError } from './errors.js';
export { type EntrySpec, readIcpCanisters } from './icp_yaml.js';
export { CANDID_SERVICE_SECTION, withCandidMetadata, withCustomSection } from './metadata.js';
export { REWRITE_SECTION, rewriteCanisterModule, RewriteError, type RewriteOptions } from './rewrite/index.js';
export { MSG_DEADLINE_REQUEST, REWRITE_HANDSHAKE_ANSWER, REWRITE_HANDSHAKE_REQUEST } from '../wire.js';
