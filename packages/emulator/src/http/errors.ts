/**
 * Refusals of the HTTP interface: status code and plain-text body, worded as the replica words
 * them. Validation errors are all 400 with the `Display` of the replica's RequestValidationError
 * (dfinity/ic, rs/http_endpoints/public/src/common.rs `validation_error_to_http_error`; texts from
 * the `#[error(...)]` attributes in rs/validator/src/ingress_validation.rs). A refused request
 * changes nothing.
 */
import { Principal } from '@dfinity/principal';

export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly text: string
    ) {
        super(text);
        this.name = 'HttpError';
    }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The replica's Time display (ic_types::Time): the instant in UTC with nanoseconds. */
export function formatTime(ns: bigint): string {
    const ms = ns / 1_000_000n;
    const iso = new Date(Number(ms)).toISOString(); // 2025-01-01T00:00:00.000Z
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')} UTC`;
}

/** common.rs `impl FromRequest for Cbor`: the content type must be application/cbor. */
export const wrongContentType = () => new HttpError(400, 'Unexpected content-type, expected application/cbor.');

/** common.rs: the body did not deserialize into the request type (malformed CBOR, or the wrong shape). */
export const notCbor = (detail: string) => new HttpError(400, `Failed to deserialize cbor request: ${detail}`);

/** call.rs: an envelope that is CBOR but not a valid call message (e.g. a public key without a signature). */
export const badCallEnvelope = (detail: string) => new HttpError(400, `Could not parse body as call message: ${detail}`);

/** query.rs / read_state.rs: the same for a query or read_state envelope. */
export const malformedRequest = (detail: string) => new HttpError(400, `Malformed request: ${detail}`);

/**
 * The whole body above the endpoint's limit: 413 from the RequestBodyLimitLayer the replica puts
 * in front of every route (rs/http_endpoints/public/src/lib.rs), whose body is tower-http's
 * "length limit exceeded".
 */
export const bodyTooLarge = () => new HttpError(413, 'length limit exceeded');

/** call.rs: an ingress message above the subnet's max_ingress_bytes_per_message. */
export const messageTooLarge = (requestId: Uint8Array, size: number, max: number) =>
    new HttpError(413, `Request ${hex(requestId)} is too large. Message byte size ${size} is larger than the max allowed ${max}.`);

/** call.rs / query.rs: canister_id differs from the effective canister id in the URL (allowed only for aaaaa-aa). */
export const canisterIdMismatch = (canisterId: Principal, ecid: Principal) =>
    new HttpError(400, `Specified CanisterId ${canisterId.toText()} does not match effective canister id in URL ${ecid.toText()}`);

/** ingress_validation.rs `InvalidIngressExpiry`; agents re-sync their clock when a body starts with "Invalid request expiry: ". */
export const invalidExpiry = (min: bigint, max: bigint, provided: bigint) =>
    new HttpError(
        400,
        `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${formatTime(min)}, Maximum allowed expiry: ${formatTime(max)}, Provided expiry: ${formatTime(provided)}`
    );

/** ingress_validation.rs MAXIMUM_NUMBER_OF_BYTES_IN_NONCE = 32. */
export const nonceTooBig = (n: number) => new HttpError(400, `Nonce in request is too big: got ${n} bytes, but at most 32 are allowed.`);

export const userIdMismatch = (sender: Principal, pubkey: Uint8Array) =>
    new HttpError(400, `The user id '${sender.toText()}' does not match the public key '${hex(pubkey)}'`);

export const invalidSignature = (detail: string) => new HttpError(400, `Invalid signature: ${detail}`);
export const missingSignature = (sender: Principal) => new HttpError(400, `Missing signature from user: ${sender.toText()}`);
export const anonymousWithSignature = () => new HttpError(400, 'Signature is not allowed for the anonymous user.');

export const delegationExpired = (expiry: bigint, now: bigint) =>
    new HttpError(
        400,
        `Invalid delegation expiry: Specified sender delegation has expired:\nProvided expiry: ${formatTime(expiry)}\nLocal replica time: ${formatTime(now)}`
    );

export const invalidDelegation = (detail: string) => new HttpError(400, `Invalid delegation: ${detail}`);

/** MAXIMUM_NUMBER_OF_DELEGATIONS = 20. */
export const tooManyDelegations = (n: number) => invalidDelegation(`Chain of delegations is too long: got ${n} delegations, but at most 20 are allowed.`);

/** MAXIMUM_NUMBER_OF_TARGETS_PER_DELEGATION = 1000. */
export const tooManyTargets = (n: number) => invalidDelegation(`Delegation target error: expected at most 1000 targets per delegation, but got ${n}`);

export const delegationCycle = (pubkey: Uint8Array) =>
    invalidDelegation(`Chain of delegations contains at least one cycle: first repeating public key encountered ${hex(pubkey)}`);

export const notADelegationTarget = (canisterId: Principal) => new HttpError(400, `Canister '${canisterId.toText()}' is not one of the delegation targets.`);

/** MAXIMUM_NUMBER_OF_PATHS = 1000, MAXIMUM_NUMBER_OF_LABELS_PER_PATH = 127. */
export const tooManyPaths = (n: number) => new HttpError(400, `Too many paths in read state request: got ${n} paths, but at most 1000 are allowed.`);
export const pathTooDeep = (n: number) => new HttpError(400, `At least one path in read state request is too deep: got ${n} labels, but at most 127 are allowed.`);

/** read_state.rs `verify_paths`. */
export const invalidPath = () => new HttpError(404, 'Invalid path requested.');
export const principalMismatch = (ecid: Principal, requested: Principal) =>
    new HttpError(400, `Effective principal id in URL ${ecid.toText()} does not match requested principal id: ${requested.toText()}.`);
export const privateMetadata = (name: string) => new HttpError(403, `Custom section ${name} can only be requested by the controllers of the canister.`);
export const badRequestIdInPath = () => new HttpError(400, 'Invalid request id in paths. Maybe the request ID is not of 32 bytes in length?!');
export const severalRequestIds = (a: Uint8Array, b: Uint8Array) =>
    new HttpError(400, `More than one non-unique request ID exists in request_status paths: ${hex(a)} and ${hex(b)}.`);
export const notYourRequest = () => new HttpError(403, 'The user tries to access Request ID not signed by the caller.');
export const requestOutsideTargets = () => new HttpError(403, 'The user tries to access request IDs for canisters not belonging to sender delegation targets.');
