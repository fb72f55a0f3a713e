/**
 * The texts the replica answers a failed execution with, from its HypervisorError (dfinity/ic,
 * rs/interfaces/src/execution_environment/errors.rs: `into_user_error` writes
 * "Error from Canister {id}: {error}.\n{help}" when there is help, and "Error from Canister
 * {id}: {error}" otherwise).
 */

const DOCS = 'http://internetcomputer.org/docs/current/references/execution-errors';

/** The replica's ErrorHelp for the traps it explains, by the start of the trap's text. */
const HELP: readonly [prefix: string, help: string][] = [
    [
        'Canister called `ic0.trap`',
        `Consider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: ${DOCS}#trapped-explicitly`
    ],
    [
        'Canister trapped',
        `Consider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: ${DOCS}#trapped`
    ],
    [
        'Canister exceeded the limit of',
        `Try optimizing this method to consume fewer instructions or split the work across multiple messages. See documentation: ${DOCS}#instruction-limit-exceeded`
    ]
];

/**
 * The trap of an execution that used up its instructions (HypervisorError::InstructionLimitExceeded;
 * the trailing period is the replica's, and into_user_error adds its own before the help).
 */
export function instructionLimitExceeded(limit: bigint): string {
    return `Canister exceeded the limit of ${limit} instructions for single message execution.`;
}

/** The reject message of an execution that trapped, as the replica words it. */
export function trapReject(canisterId: string, trap: string): string {
    // A callback and its cleanup that both failed are reported together, without help.
    const help = trap.includes(CLEANUP_ALSO_FAILED) ? undefined : HELP.find(([prefix]) => trap.startsWith(prefix))?.[1];
    return help === undefined ? `Error from Canister ${canisterId}: ${trap}` : `Error from Canister ${canisterId}: ${trap}.\n${help}`;
}

const CLEANUP_ALSO_FAILED = 'call_on_cleanup also failed';

/** The replica's ErrorCode for a trap (ic_error_types): IC0503 ic0.trap, IC0522 out of instructions, IC0504 contract violation, IC0502 other traps. */
export function errorCode(trap: string): string {
    if (trap.startsWith('Canister called `ic0.trap`')) return 'IC0503';
    if (trap.startsWith('Canister exceeded the limit of')) return 'IC0522';
    if (trap.startsWith('Canister violated contract')) return 'IC0504';
    return 'IC0502';
}

/** Longest reject message a canister receives (MAX_REJECT_MESSAGE_LEN_BYTES, rs/types/types/src/messages/inter_canister.rs). */
const MAX_REJECT_MESSAGE_BYTES = 8 * 1024;

/**
 * A reject message on its way to a calling canister: RejectContext::new cuts it to 8 KiB,
 * keeping the first 75 % and the end around "..." (rs/utils/src/str.rs, ellipsize).
 */
export function ellipsizeReject(message: string): string {
    const bytes = new TextEncoder().encode(message);
    if (bytes.length <= MAX_REJECT_MESSAGE_BYTES) return message;
    const budget = MAX_REJECT_MESSAGE_BYTES - 3;
    const prefix = Math.min(Math.floor((MAX_REJECT_MESSAGE_BYTES * 75) / 100), budget);
    const suffix = budget - prefix;
    const decoder = new TextDecoder('utf-8', { fatal: false });
    // Cut at character boundaries: back off from continuation bytes (0b10xxxxxx).
    let head = prefix;
    while (head > 0 && (bytes[head] & 0xc0) === 0x80) head--;
    let tail = bytes.length - suffix;
    while (tail < bytes.length && (bytes[tail] & 0xc0) === 0x80) tail++;
    return `${decoder.decode(bytes.subarray(0, head))}...${decoder.decode(bytes.subarray(tail))}`;
}

/**
 * What a calling canister receives when its callee trapped: the user error as its Display
 * writes it, "<code>: <description>", cut to 8 KiB (execution/common.rs,
 * action_to_request_response, CallContextAction::Fail). An ingress caller gets the description alone.
 */
export function trapRejectForCanister(canisterId: string, trap: string): string {
    return ellipsizeReject(`${errorCode(trap)}: ${trapReject(canisterId, trap)}`);
}

/** An ingress message whose execution ended without a reply and without outstanding calls (IC0506). */
export function didNotReply(canisterId: string): string {
    return `Canister ${canisterId} did not reply to the call`;
}

/**
 * The same for a call from a canister: the replica answers CANISTER_ERROR "No response"
 * (rs/execution_environment/src/execution/common.rs, action_to_request_response).
 */
export const NO_RESPONSE = 'No response';
