/**
 * What the network remembers of the calls it accepted over HTTP, by request id: who sent them,
 * to which canister, and the emulator's message whose status they report. Their status is
 * certified at /request_status/<request id> (spec, "Request status").
 */
import { lebEncode } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { Subnet } from '../subnet/subnet.js';
import { errorCodeOf } from './error_codes.js';
import { leaf, LabeledTree, SubTree, subtree } from './hash_tree.js';

export type RequestStatus = 'received' | 'processing' | 'replied' | 'rejected';

/** MAX_INGRESS_TTL, 5 minutes (dfinity/ic, rs/limits): how long a finished call's status stays readable. */
const KEEP_FINISHED_NS = 5n * 60n * 1_000_000_000n;

export interface IngressRecord {
    readonly requestId: Uint8Array;
    readonly sender: Principal;
    /** The effective canister id the call was sent to (the target for delegation checks). */
    readonly receiver: Principal;
    readonly expiry: bigint;
    /** The emulator's ingress message. */
    readonly messageId: number;
    /** When it reached a final status, on the network's clock. */
    finishedAt: bigint | undefined;
    /** Its certified subtree, kept once final (it no longer changes). */
    finalTree: SubTree | undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class IngressHistory {
    private readonly records = new Map<string, IngressRecord>();

    constructor(private readonly subnet: Subnet) {}

    get(requestId: Uint8Array): IngressRecord | undefined {
        return this.records.get(hex(requestId));
    }

    add(record: Omit<IngressRecord, 'finishedAt' | 'finalTree'>): IngressRecord {
        const full: IngressRecord = { ...record, finishedAt: undefined, finalTree: undefined };
        this.records.set(hex(record.requestId), full);
        return full;
    }

    status(record: IngressRecord): RequestStatus {
        const s = this.subnet.ingress.get(record.messageId);
        if (s === undefined || s.state === 'queued') return 'received';
        if (s.state === 'processing') return 'processing';
        return 'reply' in s.response ? 'replied' : 'rejected';
    }

    /**
     * Notes calls that finished since the last look (at network time `now`) and forgets those
     * that finished more than 5 minutes ago. Returns how many finished.
     */
    update(now: bigint): number {
        let finished = 0;
        for (const [key, record] of this.records) {
            if (record.finishedAt === undefined) {
                const status = this.status(record);
                if (status === 'replied' || status === 'rejected') {
                    record.finishedAt = now;
                    finished++;
                }
            } else if (now > record.finishedAt + KEEP_FINISHED_NS && now > record.expiry) {
                this.records.delete(key);
            }
        }
        return finished;
    }

    /** The request_status subtree: one child per remembered call. */
    tree(): SubTree {
        return subtree([...this.records.values()].map((r) => [r.requestId, this.recordTree(r)] as const));
    }

    private recordTree(record: IngressRecord): SubTree {
        if (record.finalTree !== undefined) return record.finalTree;
        const status = this.status(record);
        const entries: [string, LabeledTree][] = [['status', leaf(status)]];
        const s = this.subnet.ingress.get(record.messageId);
        if (s?.state === 'done') {
            if ('reply' in s.response) entries.push(['reply', leaf(s.response.reply)]);
            else {
                const { code, message } = s.response.reject;
                entries.push(['reject_code', leaf(lebEncode(code))], ['reject_message', leaf(message)], ['error_code', leaf(errorCodeOf(code, message))]);
            }
        }
        const tree = subtree(entries);
        if (record.finishedAt !== undefined) record.finalTree = tree;
        return tree;
    }
}
