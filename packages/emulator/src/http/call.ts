/**
 * POST /api/v2|v3|v4/canister/<effective canister id>/call. v2 accepts the call and answers 202;
 * the client polls read_state. v3 and v4 wait until the call's final status is certified and
 * answer with the certificate, or fall back to 202 after 10 s (dfinity/ic,
 * rs/http_endpoints/public/src/call/call_sync.rs; the replica's
 * ingress_message_certificate_timeout_seconds, rs/config/src/http_handler.rs). v3 and v4 differ
 * only in the delegation a non-root subnet attaches; this subnet is the root, so they are the same.
 */
import { Principal } from '@dfinity/principal';

import { MANAGEMENT_CANISTER } from '../ids.js';
import { authenticate } from './authentication.js';
import { encodeCbor } from './cbor.js';
import { canisterIdMismatch, messageTooLarge, notADelegationTarget } from './errors.js';
import { filterIngress, managementTarget } from './ingress_filter.js';
import { CallRequest, parseRequest } from './request.js';
import { ServedSubnet } from './served_subnet.js';
import { HttpReply } from './reply.js';

/**
 * max_ingress_bytes_per_message of an application subnet, 2 MiB (dfinity/ic, rs/limits); larger
 * modules go through the chunk store, as deploy tools do above that size.
 */
export const MAX_INGRESS_BYTES = 2 * 1024 * 1024;

/** call_sync.rs: the 202 text when the call did not finish in time; the client polls read_state. */
export const SYNC_CALL_TIMEOUT_TEXT = 'Message did not complete execution and certification within the replica defined timeout.';

export interface CallOptions {
    /** How long v3/v4 wait for a certified final status before answering 202 (default 10 s, as the replica). */
    readonly syncCallTimeoutMs: number;
}

const REQUEST_STATUS = new TextEncoder().encode('request_status');

export async function handleCall(served: ServedSubnet, version: 2 | 3 | 4, ecid: Principal, body: Uint8Array, options: CallOptions): Promise<HttpReply> {
    const request = parseRequest(body, 'call') as CallRequest;
    const isManagement = request.canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq';
    if (!isManagement && request.canisterId.compareTo(ecid) !== 'eq') throw canisterIdMismatch(request.canisterId, ecid);
    if (body.length > MAX_INGRESS_BYTES) throw messageTooLarge(request.requestId, body.length, MAX_INGRESS_BYTES);
    const sender = authenticate(request, served.now());
    let record = served.history.get(request.requestId);
    if (record === undefined) {
        // Delegation targets apply to the canister a management call is about, as to any other.
        if (isManagement && sender.targets !== undefined) {
            const target = managementTarget(request.methodName, request.arg) ?? ecid;
            if (!sender.targets.has(target.toText())) throw notADelegationTarget(target);
        }
        const refused = filterIngress(served.subnet, served.builtins, sender.principal, request.canisterId, request.methodName, request.arg);
        if (refused !== undefined) {
            return version === 2 ? HttpReply.cbor(200, encodeCbor(refused)) : HttpReply.cbor(200, encodeCbor({ status: 'non_replicated_rejection', ...refused }));
        }
        record = served.submit(request.requestId, sender.principal, ecid, request.canisterId, request.methodName, request.arg, request.ingressExpiry);
    }
    if (version === 2) return HttpReply.empty(202);
    const certified = await served.whenFinished(record, options.syncCallTimeoutMs);
    if (certified === undefined) return HttpReply.text(202, SYNC_CALL_TIMEOUT_TEXT);
    return HttpReply.cbor(200, encodeCbor({ status: 'replied', certificate: certified.certificate([[REQUEST_STATUS, request.requestId]]) }));
}
