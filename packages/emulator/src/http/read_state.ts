/**
 * POST /api/v2|v3/canister/<id>/read_state and /api/v2|v3/subnet/<id>/read_state: a certificate
 * for the requested paths of the latest certified state. Which paths may be read, by whom and
 * through which route, is the replica's `verify_paths` (dfinity/ic,
 * rs/http_endpoints/public/src/read_state.rs); the path limits are the validator's.
 */
import { Principal } from '@dfinity/principal';

import { authenticate, Sender } from './authentication.js';
import { encodeCbor } from './cbor.js';
import {
    badRequestIdInPath,
    HttpError,
    invalidPath,
    notYourRequest,
    pathTooDeep,
    principalMismatch,
    privateMetadata,
    requestOutsideTargets,
    severalRequestIds,
    tooManyPaths
} from './errors.js';
import { parseRequest, ReadStateRequest } from './request.js';
import { HttpReply } from './reply.js';
import { ServedSubnet } from './served_subnet.js';

export interface ReadStateTarget {
    readonly kind: 'canister' | 'subnet';
    readonly id: Principal;
}

const MAX_PATHS = 1000;
const MAX_LABELS = 127;

const text = (l: Uint8Array) => Buffer.from(l).toString('utf8');
const principalOf = (l: Uint8Array): Principal | undefined => (l.length <= 29 ? Principal.fromUint8Array(l) : undefined);
const same = (a: Principal | undefined, b: Principal) => a !== undefined && a.compareTo(b) === 'eq';

export async function handleReadState(served: ServedSubnet, version: 2 | 3, target: ReadStateTarget, body: Uint8Array): Promise<HttpReply> {
    const request = parseRequest(body, 'read_state') as ReadStateRequest;
    if (request.paths.length > MAX_PATHS) throw tooManyPaths(request.paths.length);
    const deepest = Math.max(0, ...request.paths.map((p) => p.length));
    if (deepest > MAX_LABELS) throw pathTooDeep(deepest);
    const sender = authenticate(request, served.now());
    verifyPaths(served, version, target, sender, request.paths);
    return HttpReply.cbor(200, encodeCbor({ certificate: served.certified.certificate(request.paths) }));
}

function verifyPaths(served: ServedSubnet, version: 2 | 3, target: ReadStateTarget, sender: Sender, paths: readonly Uint8Array[][]): void {
    let requestId: Uint8Array | undefined;
    const root = served.keys.subnetId;
    for (const path of paths) {
        const [first, ...rest] = path.map(text);
        const labels = path;
        switch (first) {
            case 'time':
                if (rest.length === 0) continue;
                break;
            case 'api_boundary_nodes':
                if (rest.length <= 2 && (rest.length < 2 || ['domain', 'ipv4_address', 'ipv6_address'].includes(rest[1]))) continue;
                break;
            case 'subnet': {
                if (rest.length === 0) continue;
                const sid = principalOf(labels[1]);
                if (rest.length === 1) continue;
                if (rest.length === 2 && ['public_key', 'type', 'node'].includes(rest[1])) continue;
                // v3 serves the flat ranges of the root subnet only; this subnet is the root.
                if (rest.length === 2 && rest[1] === 'canister_ranges' && (version === 2 || same(sid, root))) continue;
                if (rest.length === 2 && rest[1] === 'metrics' && target.kind === 'subnet' && same(sid, target.id)) continue;
                if (rest[1] === 'node' && (rest.length === 3 || (rest.length === 4 && rest[3] === 'public_key'))) continue;
                break;
            }
            case 'canister_ranges':
                if (rest.length === 1 && target.kind === 'subnet') continue;
                break;
            case 'canister': {
                if (target.kind !== 'canister' || rest.length < 2) break;
                const cid = principalOf(labels[1]);
                if (cid === undefined) break;
                if (!same(cid, target.id)) throw principalMismatch(target.id, cid);
                if (rest.length === 2 && (rest[1] === 'controllers' || rest[1] === 'module_hash')) continue;
                if (rest.length === 3 && rest[1] === 'metadata') {
                    const canister = served.subnet.canister(cid);
                    const metadata = canister?.installed?.metadata.get(rest[2]);
                    if (metadata?.visibility === 'private' && !canister!.controllers.some((c) => c.compareTo(sender.principal) === 'eq')) throw privateMetadata(rest[2]);
                    continue;
                }
                break;
            }
            case 'request_status': {
                if (!(target.kind === 'canister' || version === 3)) break;
                if (rest.length === 0 || rest.length > 2) break;
                if (rest.length === 2 && !['status', 'reply', 'reject_code', 'reject_message', 'error_code'].includes(rest[1])) break;
                const rid = labels[1];
                if (rid.length !== 32) throw badRequestIdInPath();
                if (requestId !== undefined && Buffer.compare(requestId, rid) !== 0) throw severalRequestIds(requestId, rid);
                requestId = rid;
                const record = served.history.get(rid);
                if (record !== undefined) {
                    if (record.sender.compareTo(sender.principal) !== 'eq') throw notYourRequest();
                    if (sender.targets !== undefined && !sender.targets.has(record.receiver.toText())) throw requestOutsideTargets();
                }
                continue;
            }
        }
        throw invalidPath();
    }
}

export { HttpError };
