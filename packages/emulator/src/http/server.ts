/**
 * The HTTP server: routes of the IC HTTP interface (spec, "HTTPS Interface") and the control
 * endpoint, on node:http. Request bodies above 5 MiB are refused with 413 before they are read
 * whole, as the replica's body limit does (max_request_size_bytes, rs/config/src/http_handler.rs);
 * API requests must be `application/cbor`.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

import { Principal } from '@dfinity/principal';

import { CallOptions, handleCall } from './call.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { bodyTooLarge, HttpError, wrongContentType } from './errors.js';
import { handleQuery } from './query.js';
import { handleReadState } from './read_state.js';
import { HttpReply } from './reply.js';
import { ServedSubnet } from './served_subnet.js';
import { statusBody } from './status.js';

/** max_request_size_bytes, 5 MiB. */
export const MAX_REQUEST_BODY_BYTES = 5 * 1024 * 1024;

const ROUTE = /^\/api\/v([234])\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/;

function readBody(req: IncomingMessage): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > MAX_REQUEST_BODY_BYTES) return reject(bodyTooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REQUEST_BODY_BYTES) {
                req.removeAllListeners('data');
                reject(bodyTooLarge());
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
        req.on('error', reject);
    });
}

function send(res: ServerResponse, reply: HttpReply): void {
    const headers: Record<string, string | number> = { 'content-length': reply.body.length, 'access-control-allow-origin': '*' };
    if (reply.contentType !== undefined) headers['content-type'] = reply.contentType;
    res.writeHead(reply.status, headers);
    res.end(reply.body);
}

async function route(served: ServedSubnet, options: ServerOptions, req: IncomingMessage): Promise<HttpReply> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (path.startsWith(CONTROL_PREFIX)) return handleControl(served, method, path, method === 'POST' ? await readBody(req) : new Uint8Array());
    if (path === '/api/v2/status') {
        if (method !== 'GET') return HttpReply.text(405, 'Method Not Allowed');
        return HttpReply.cbor(200, statusBody(served, options.implVersion));
    }
    const match = ROUTE.exec(path);
    if (match === null) return HttpReply.text(404, 'Not Found');
    const [, v, kind, idText, endpoint] = match;
    const version = Number(v) as 2 | 3 | 4;
    // Canisters: call on v2-v4, query and read_state on v2-v3. Subnets: read_state on v2-v3.
    const known = kind === 'canister' ? endpoint === 'call' || version !== 4 : endpoint === 'read_state' && version !== 4;
    if (!known) return HttpReply.text(404, 'Not Found');
    if (method !== 'POST') return HttpReply.text(405, 'Method Not Allowed');
    if ((req.headers['content-type'] ?? '').toLowerCase() !== 'application/cbor') throw wrongContentType();
    let id: Principal;
    try {
        id = Principal.fromText(decodeURIComponent(idText));
    } catch {
        throw new HttpError(400, `Invalid principal in URL: ${idText}`);
    }
    const body = await readBody(req);
    if (endpoint === 'call') return handleCall(served, version, id, body, options);
    if (endpoint === 'query') return handleQuery(served, id, body);
    return handleReadState(served, version as 2 | 3, { kind: kind as 'canister' | 'subnet', id }, body);
}

export interface ServerOptions extends CallOptions {
    /** impl_version in /api/v2/status. */
    readonly implVersion: string;
}

export function createNetworkServer(served: ServedSubnet, options: ServerOptions): Server {
    return createServer((req, res) => {
        route(served, options, req).then(
            (reply) => send(res, reply),
            (e: unknown) => {
                if (e instanceof HttpError) {
                    send(res, HttpReply.text(e.status, e.text));
                    if (e.status === 413) req.resume();
                    return;
                }
                console.error('network: request failed:', e);
                send(res, HttpReply.text(500, `Internal error: ${(e as Error).message}`));
            }
        );
    });
}
