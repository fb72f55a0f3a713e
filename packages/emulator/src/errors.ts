export { RejectCode } from '@response-models/system-api';

/** Bad input to the emulator's own API (unknown canister, malformed wasm, ...): state is unchanged. */
export class EmulatorError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'EmulatorError';
    }
}

/** A call that ended in a reject, surfaced by actors and the management helpers. */
export class CallRejectedError extends Error {
    constructor(
        readonly rejectCode: number,
        readonly rejectMessage: string,
        readonly method: string
    ) {
        super(`${method} was rejected (code ${rejectCode}): ${rejectMessage}`);
        this.name = 'CallRejectedError';
    }
}

/** A trap inside a System API function: aborts the message like a wasm trap. */
export class HostTrap extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'HostTrap';
    }
}
