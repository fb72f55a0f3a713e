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
        'Canister exceeded the limit of',
        `Try optimizing this method to consume fewer instructions or split the work across multiple messages. See documentation: ${DOCS}#instruction-limit-exceeded`
    ]
];

/** The reject message of an execution that trapped, as the replica words it. */
export function trapReject(canisterId: string, trap: string): string {
    const help = HELP.find(([prefix]) => trap.startsWith(prefix))?.[1];
    return help === undefined ? `Error from Canister ${canisterId}: ${trap}` : `Error from Canister ${canisterId}: ${trap}.\n${help}`;
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
