/** `msgDeadline()` in a canister method returns what `ic0.msg_deadline` returns. */
import { IDL } from '@dfinity/candid';

import { builtWasm } from '../support/built';
import { RecordingHost } from '../support/recording_host';

const emptyArgs = new Uint8Array(IDL.encode([], []));

function deadlineSeen(host: RecordingHost): bigint {
    const outcome = host.update('deadline', emptyArgs);
    if (outcome === undefined || !('reply' in outcome)) throw new Error(`no reply: ${JSON.stringify(outcome)}`);
    const [value] = IDL.decode([IDL.Nat64], outcome.reply);
    return value as bigint;
}

describe('msgDeadline()', () => {
    let host: RecordingHost;
    beforeAll(() => {
        host = RecordingHost.load(builtWasm('untrusted_callee'));
        host.init();
    });

    it.each([0n, 1n, 1_700_000_123_000_000_000n, 2n ** 64n - 1n])('returns ic0.msg_deadline() = %s', (deadline) => {
        host.msgDeadline = deadline;
        expect(deadlineSeen(host)).toBe(deadline);
        expect(host.calls.map((c) => c.name)).toContain('msg_deadline');
    });

    it('prints nothing for the request', () => {
        host.msgDeadline = 42n;
        deadlineSeen(host);
        expect(host.calls.filter((c) => c.name === 'debug_print')).toEqual([]);
    });
});
