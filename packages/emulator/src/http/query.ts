/**
 * POST /api/v2|v3/canister/<effective canister id>/query: runs a query on the current state and
 * answers with the response signed by the node (dfinity/ic, rs/http_endpoints/public/src/
 * query.rs; the signed map is QueryResponseHash in rs/types/types/src/messages/http.rs):
 *
 *   replied:  { status, reply: { arg }, signatures: [{ timestamp, signature, identity }] }
 *   rejected: { status, reject_code, reject_message, error_code, signatures: [...] }
 *
 * Each signature is the node's Ed25519 signature over "\x0Bic-response" ‖ hash_of_map of the
 * response with `timestamp` and `request_id` added. v2 and v3 differ only in the delegation a
 * non-root subnet hands to canisters; this subnet is the root.
 */
import { hashOfMap } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

import { CallRejectedError, RejectCode } from '../errors.js';
import { MANAGEMENT_CANISTER } from '../ids.js';
import { Response } from '../subnet/messages.js';
import { authenticate } from './authentication.js';
import { encodeCbor } from './cbor.js';
import { errorCodeOf } from './error_codes.js';
import { canisterIdMismatch } from './errors.js';
import { CallRequest, parseRequest } from './request.js';
import { HttpReply } from './reply.js';
import { ServedSubnet } from './served_subnet.js';

export async function handleQuery(served: ServedSubnet, ecid: Principal, body: Uint8Array): Promise<HttpReply> {
    const request = parseRequest(body, 'query') as CallRequest;
    if (request.canisterId.compareTo(ecid) !== 'eq' && request.canisterId.compareTo(MANAGEMENT_CANISTER) !== 'eq') throw canisterIdMismatch(request.canisterId, ecid);
    const sender = authenticate(request, served.now());
    const response = await runQuery(served, sender.principal, request.canisterId, request.methodName, request.arg);
    const timestamp = served.now();
    const answer: Record<string, unknown> =
        'reply' in response
            ? { status: 'replied', reply: { arg: response.reply } }
            : {
                  status: 'rejected',
                  reject_code: response.reject.code,
                  reject_message: response.reject.message,
                  error_code: errorCodeOf(response.reject.code, response.reject.message)
              };
    const signature = served.keys.signResponse(hashOfMap({ ...answer, timestamp, request_id: request.requestId }));
    return HttpReply.cbor(200, encodeCbor({ ...answer, signatures: [{ timestamp, signature, identity: served.keys.nodeId.toUint8Array() }] }));
}

async function runQuery(served: ServedSubnet, sender: Principal, canisterId: Principal, method: string, arg: Uint8Array): Promise<Response> {
    const builtin = served.builtins.get(canisterId.toText());
    if (builtin !== undefined) return builtin.query(served.subnet, sender, method, arg);
    const canister = served.subnet.canister(canisterId);
    if (canister === undefined) {
        const message = canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq' ? `Canister aaaaa-aa has no query method '${method}'` : `Canister ${canisterId.toText()} not found`;
        return { reject: { code: canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq' ? RejectCode.CanisterError : RejectCode.DestinationInvalid, message } };
    }
    if (canister.installed === undefined) {
        return { reject: { code: RejectCode.CanisterError, message: `Error from Canister ${canisterId.toText()}: Attempted to execute a message, but the canister contains no Wasm module.` } };
    }
    try {
        return { reply: await served.emulator.queryCall(canisterId, method, arg, { sender }) };
    } catch (e) {
        if (e instanceof CallRejectedError) return { reject: { code: e.rejectCode, message: e.rejectMessage } };
        throw e;
    }
}
