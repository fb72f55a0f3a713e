import binaryen from 'binaryen';

import { MSG_DEADLINE_REQUEST } from '../../../src/lib/wire';
import { ensureIc0Import, interpose } from './imports';

const ARMED = 'response_models$msg_deadline_armed';

/**
 * Gives Azle code `ic0.msg_deadline` (see src/lib/deadline.ts): `ic0.debug_print` of exactly
 * MSG_DEADLINE_REQUEST prints nothing and arms a flag; the next `ic0.canister_version` call
 * disarms it and returns `ic0.msg_deadline()` instead. The flag is a mutable global, so it is part
 * of the canister state and rolls back with a trap like everything else.
 */
export function installMsgDeadlineChannel(m: binaryen.Module): void {
    const request = [...Buffer.from(MSG_DEADLINE_REQUEST, 'utf8')];
    const msgDeadline = ensureIc0Import(m, 'msg_deadline');
    m.addGlobal(ARMED, binaryen.i32, true, m.i32.const(0));

    interpose(m, 'debug_print', (realDebugPrint) => {
        const SRC = 0;
        const SIZE = 1;
        const byteIs = (k: number, value: number): binaryen.ExpressionRef =>
            m.i32.eq(m.i32.load8_u(k, 1, m.local.get(SRC, binaryen.i32)), m.i32.const(value));
        const matches = request
            .map((value, k) => byteIs(k, value))
            .reduce((all, next) => m.i32.and(all, next));
        const body = m.block(null, [
            m.if(
                m.i32.eq(m.local.get(SIZE, binaryen.i32), m.i32.const(request.length)),
                m.if(
                    matches,
                    m.block(null, [m.global.set(ARMED, m.i32.const(1)), m.return()])
                )
            ),
            m.call(
                realDebugPrint,
                [m.local.get(SRC, binaryen.i32), m.local.get(SIZE, binaryen.i32)],
                binaryen.none
            )
        ]);
        return { vars: [], body };
    });

    interpose(m, 'canister_version', (realCanisterVersion) => {
        const body = m.if(
            m.global.get(ARMED, binaryen.i32),
            m.block(null, [m.global.set(ARMED, m.i32.const(0)), m.call(msgDeadline, [], binaryen.i64)], binaryen.i64),
            m.call(realCanisterVersion, [], binaryen.i64)
        );
        return { vars: [], body };
    });
}
