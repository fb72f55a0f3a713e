import { Principal, StableBTreeMap } from 'azle';

import { u64Key } from '../../common/u64_key';
import { isTerminal, TransferOp, TransferSettings } from './types';

const LOG_MAX = 20;
/** Most operations unresolved_transfers returns. */
export const UNRESOLVED_PAGE_MAX = 100;

export const DEFAULT_SETTINGS: TransferSettings = { ledger: [], timeout_seconds: 10, max_attempts: 40 };

function hex(bytes: Uint8Array): string {
    return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The caller's transfer journal in stable memory: every operation is recorded before its first
 * ledger call, and every state change is written before the next call, so an upgrade or a trap
 * never loses track of a transfer.
 */
export class Journal {
    private readonly ops = new StableBTreeMap<bigint, TransferOp>(1);
    private readonly clientKeys = new StableBTreeMap<string, bigint>(2);
    private readonly authorized = new StableBTreeMap<string, boolean>(3);
    private readonly config = new StableBTreeMap<string, TransferSettings>(4);
    /** Ids of the operations not yet resolved, so that sweeps do not read the whole journal. */
    private readonly open = new StableBTreeMap<bigint, boolean>(5, u64Key);

    get settings(): TransferSettings {
        return this.config.get('settings') ?? DEFAULT_SETTINGS;
    }

    set settings(value: TransferSettings) {
        this.config.insert('settings', value);
    }

    nextId(): bigint {
        return BigInt(this.ops.len());
    }

    get(id: bigint): TransferOp | undefined {
        return this.ops.get(id);
    }

    save(op: TransferOp): void {
        this.ops.insert(op.id, op);
        if (isTerminal(op.state)) this.open.remove(op.id);
        else this.open.insert(op.id, true);
    }

    note(op: TransferOp, line: string): void {
        op.log = [...op.log, line].slice(-LOG_MAX);
    }

    byClientKey(key: Uint8Array): bigint | undefined {
        return this.clientKeys.get(hex(key));
    }

    rememberClientKey(key: Uint8Array, id: bigint): void {
        this.clientKeys.insert(hex(key), id);
    }

    /** Unresolved operations, oldest first: all of them, or the first `limit`. */
    unresolved(limit?: number): TransferOp[] {
        return this.open.keys(0, limit).flatMap((id) => this.ops.get(id) ?? []);
    }

    page(start: bigint, limit: number): TransferOp[] {
        const page: TransferOp[] = [];
        for (let id = start; id < start + BigInt(limit); id++) {
            const op = this.ops.get(id);
            if (op === undefined) break;
            page.push(op);
        }
        return page;
    }

    isAuthorized(p: Principal): boolean {
        return this.authorized.get(p.toText()) === true;
    }

    setAuthorized(p: Principal, allowed: boolean): void {
        if (allowed) this.authorized.insert(p.toText(), true);
        else this.authorized.remove(p.toText());
    }
}
