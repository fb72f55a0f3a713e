import binaryen from 'binaryen';

import { MSG_DEADLINE_REQUEST, REWRITE_HANDSHAKE_ANSWER, REWRITE_HANDSHAKE_REQUEST } from '../../wire.js';
import { ensureIc0Import, interpose } from './imports.js';

const ARMED = 'response_models$request_armed';

/** One request the library can make: the bytes it prints, and the i64 the module answers. */
interface Request {
    readonly text: string;
    readonly answer: (m: binaryen.Module) => binaryen.ExpressionRef;
}

/**
 * Gives Azle code what Azle does not expose (see wire.ts): `ic0.debug_print` of exactly
 * one of the requests prints nothing and arms a flag; the next `ic0.canister_version` call
 * disarms it and returns the answer instead:
 * - MSG_DEADLINE_REQUEST: `ic0.msg_deadline()`;
 * - REWRITE_HANDSHAKE_REQUEST: REWRITE_HANDSHAKE_ANSWER, so the library can tell a rewritten
 *   module from a plain `azle build` and refuse to run in the latter.
 * The flag is a mutable global, so it is part of the canister state and rolls back with a trap
 * like everything else.
 */
export function installRequestChannel(m: binaryen.Module): void {
    const msgDeadline = ensureIc0Import(m, 'msg_deadline');
    const requests: Request[] = [
        { text: MSG_DEADLINE_REQUEST, answer: () => m.call(msgDeadline, [], binaryen.i64) },
        { text: REWRITE_HANDSHAKE_REQUEST, answer: () => i64Const(m, REWRITE_HANDSHAKE_ANSWER) }
    ];
    m.addGlobal(ARMED, binaryen.i32, true, m.i32.const(0));

    interpose(m, 'debug_print', (realDebugPrint) => {
        const SRC = 0;
        const SIZE = 1;
        const matches = (text: string): binaryen.ExpressionRef => {
            const bytes = [...Buffer.from(text, 'utf8')];
            const byteIs = (k: number, value: number): binaryen.ExpressionRef =>
                m.i32.eq(m.i32.load8_u(k, 1, m.local.get(SRC, binaryen.i32)), m.i32.const(value));
            const content = bytes.map((value, k) => byteIs(k, value)).reduce((all, next) => m.i32.and(all, next));
            // The size test guards the loads: a shorter message is never read past its end.
            return m.if(m.i32.eq(m.local.get(SIZE, binaryen.i32), m.i32.const(bytes.length)), content, m.i32.const(0));
        };
        const body = m.block(null, [
            ...requests.map((request, k) =>
                m.if(matches(request.text), m.block(null, [m.global.set(ARMED, m.i32.const(k + 1)), m.return()]))
            ),
            m.call(realDebugPrint, [m.local.get(SRC, binaryen.i32), m.local.get(SIZE, binaryen.i32)], binaryen.none)
        ]);
        return { vars: [], body };
    });

    interpose(m, 'canister_version', (realCanisterVersion) => {
        const armed = m.global.get(ARMED, binaryen.i32);
        const answer = requests.reduceRight<binaryen.ExpressionRef>(
            (otherwise, request, k) => m.if(m.i32.eq(m.global.get(ARMED, binaryen.i32), m.i32.const(k + 1)), request.answer(m), otherwise),
            m.call(realCanisterVersion, [], binaryen.i64)
        );
        const body = m.if(
            armed,
            m.block(null, [m.local.set(0, answer), m.global.set(ARMED, m.i32.const(0)), m.local.get(0, binaryen.i64)], binaryen.i64),
            m.call(realCanisterVersion, [], binaryen.i64)
        );
        return { vars: [binaryen.i64], body };
    });
}

function i64Const(m: binaryen.Module, value: bigint): binaryen.ExpressionRef {
    return m.i64.const(Number(value & 0xffff_ffffn), Number(value >> 32n));
}
