/**
 * The control endpoint, beside the IC API and not part of it: JSON, for tests and tools that
 * need to move the network's time (in the spirit of PocketIC's advance_time).
 *
 *   GET  /_/time                      -> { "time_ns": "<ns since the epoch>", "offset_ms": <ahead of wall time>,
 *                                          "calls_received": <calls accepted over HTTP so far> }
 *   POST /_/advance_time {"ms": <n>}  -> { "time_ns": "...", "finished": <calls that finished in the round> }
 *
 * advance_time moves the clock forward (never back) and runs one round at the new time before it
 * answers. The clock goes on following wall time from there, so clients that had synchronised
 * their time see certificates from the future: agent-js re-synchronises on its own the first
 * time; agents used across several jumps should call `syncTime()` after each (ic-agent accepts
 * future certificates as they are).
 */
import { HttpError } from './errors.js';
import { HttpReply } from './reply.js';
import { ServedSubnet } from './served_subnet.js';

export const CONTROL_PREFIX = '/_/';

export async function handleControl(served: ServedSubnet, method: string, path: string, body: Uint8Array): Promise<HttpReply> {
    if (path === '/_/time' && method === 'GET') {
        return HttpReply.json(200, { time_ns: served.now().toString(), offset_ms: served.clock.offsetMs, calls_received: served.callsReceived });
    }
    if (path === '/_/advance_time' && method === 'POST') {
        let ms: unknown;
        try {
            ms = (JSON.parse(new TextDecoder().decode(body)) as { ms?: unknown }).ms;
        } catch {
            throw new HttpError(400, 'advance_time takes a JSON body {"ms": <milliseconds>}');
        }
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new HttpError(400, `advance_time takes a non-negative number of milliseconds, got ${JSON.stringify(ms)}`);
        const { timeNs, finished } = await served.advance(ms);
        return HttpReply.json(200, { time_ns: timeNs.toString(), finished });
    }
    throw new HttpError(404, `no control endpoint ${method} ${path}: use GET /_/time or POST /_/advance_time`);
}
