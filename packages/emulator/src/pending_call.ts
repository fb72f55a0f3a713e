import { CallRejectedError, EmulatorError } from './errors.js';
import { Response } from './subnet/messages.js';

export type CallStatus = 'pending' | 'replied' | 'rejected';

/**
 * An ingress call that was submitted and may not have finished yet: the way to hold a call open
 * while time passes (a hanging callee, a canister stuck in Stopping).
 */
export class PendingCall<T> {
    constructor(
        private readonly method: string,
        private readonly poll: () => Response | undefined,
        private readonly run: (until: () => boolean, maxRounds: number) => void,
        private readonly decode: (reply: Uint8Array) => T
    ) {}

    get status(): CallStatus {
        const r = this.poll();
        return r === undefined ? 'pending' : 'reply' in r ? 'replied' : 'rejected';
    }

    /** The result if the call finished; throws CallRejectedError for a reject, EmulatorError if pending. */
    result(): T {
        const r = this.poll();
        if (r === undefined) throw new EmulatorError(`${this.method} has not finished yet`);
        if ('reject' in r) throw new CallRejectedError(r.reject.code, r.reject.message, this.method);
        return this.decode(r.reply);
    }

    /** Runs rounds until the call finishes (at most maxRounds), then returns its result. */
    async wait(maxRounds = 1_000): Promise<T> {
        this.run(() => this.poll() !== undefined, maxRounds);
        if (this.poll() === undefined) {
            throw new EmulatorError(`${this.method} did not finish within ${maxRounds} rounds`);
        }
        return this.result();
    }
}
