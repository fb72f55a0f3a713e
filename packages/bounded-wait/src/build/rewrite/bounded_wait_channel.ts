import binaryen from 'binaryen';

import { MAX_TIMEOUT_DIGITS, TIMEOUT_SEPARATOR } from '../../wire.js';
import { ensureIc0Import, interpose } from './imports.js';

const SEPARATOR_BYTE = TIMEOUT_SEPARATOR.charCodeAt(0);
const ZERO = '0'.charCodeAt(0);
const U32_MAX = 0xffff_ffffn;

/**
 * Wraps `ic0.call_new` so that a method name ending in `\0<decimal seconds>` (see wire.ts)
 * becomes a best-effort call: the real `call_new` receives the clean name, followed at once by
 * `ic0.call_with_best_effort_response(seconds)` (allowed anywhere between call_new and
 * call_perform). Any other name passes through unchanged: a guaranteed-response call.
 *
 * The suffix must be 1..MAX_TIMEOUT_DIGITS ASCII digits preceded by the separator; values beyond
 * u32 saturate and the system then caps them at MAX_CALL_TIMEOUT.
 */
export function installBoundedWaitChannel(m: binaryen.Module): void {
    const bestEffort = ensureIc0Import(m, 'call_with_best_effort_response');
    interpose(m, 'call_new', (realCallNew) => {
        // params 0..7: callee_src, callee_size, name_src, name_size, reply_fun, reply_env, reject_fun, reject_env
        const NAME_SRC = 2;
        const NAME_SIZE = 3;
        const POS = 8; // i32: scan position (exclusive end of the clean name + 1 once found)
        const BYTE = 9; // i32: byte at POS - 1
        const SECONDS = 10; // i64: parsed timeout
        const i32 = m.i32;
        const get = (index: number, type: binaryen.Type): binaryen.ExpressionRef =>
            m.local.get(index, type);
        const byteAt = (offset: binaryen.ExpressionRef): binaryen.ExpressionRef =>
            i32.load8_u(0, 1, i32.add(get(NAME_SRC, binaryen.i32), offset));
        const args = (nameSize: binaryen.ExpressionRef): binaryen.ExpressionRef[] => [
            get(0, binaryen.i32),
            get(1, binaryen.i32),
            get(NAME_SRC, binaryen.i32),
            nameSize,
            get(4, binaryen.i32),
            get(5, binaryen.i32),
            get(6, binaryen.i32),
            get(7, binaryen.i32)
        ];
        const isDigit = (b: binaryen.ExpressionRef): binaryen.ExpressionRef =>
            i32.lt_u(i32.sub(b, i32.const(ZERO)), i32.const(10));
        const digitCount = i32.sub(get(NAME_SIZE, binaryen.i32), get(POS, binaryen.i32));

        const body = m.block(null, [
            m.block('plain', [
                // Walk back over the trailing digits.
                m.local.set(POS, get(NAME_SIZE, binaryen.i32)),
                m.loop(
                    'scan',
                    m.block(null, [
                        m.br('plain', i32.eqz(get(POS, binaryen.i32))),
                        m.local.set(BYTE, byteAt(i32.sub(get(POS, binaryen.i32), i32.const(1)))),
                        m.if(
                            isDigit(get(BYTE, binaryen.i32)),
                            m.block(null, [
                                m.local.set(POS, i32.sub(get(POS, binaryen.i32), i32.const(1))),
                                m.br('scan')
                            ])
                        )
                    ])
                ),
                // The byte before the digits must be the separator, with 1..MAX digits after it.
                m.br('plain', i32.ne(get(BYTE, binaryen.i32), i32.const(SEPARATOR_BYTE))),
                m.br('plain', i32.eqz(digitCount)),
                m.br('plain', i32.gt_u(digitCount, i32.const(MAX_TIMEOUT_DIGITS))),
                // Parse the digits [POS, name_size) as decimal seconds.
                m.local.set(SECONDS, m.i64.const(0, 0)),
                m.local.set(BYTE, get(POS, binaryen.i32)),
                m.loop(
                    'parse',
                    m.if(
                        i32.lt_u(get(BYTE, binaryen.i32), get(NAME_SIZE, binaryen.i32)),
                        m.block(null, [
                            m.local.set(
                                SECONDS,
                                m.i64.add(
                                    m.i64.mul(get(SECONDS, binaryen.i64), m.i64.const(10, 0)),
                                    m.i64.extend_u(i32.sub(byteAt(get(BYTE, binaryen.i32)), i32.const(ZERO)))
                                )
                            ),
                            m.local.set(BYTE, i32.add(get(BYTE, binaryen.i32), i32.const(1))),
                            m.br('parse')
                        ])
                    )
                ),
                m.if(
                    m.i64.gt_u(get(SECONDS, binaryen.i64), m.i64.const(Number(U32_MAX), 0)),
                    m.local.set(SECONDS, m.i64.const(Number(U32_MAX), 0))
                ),
                // Clean name = everything before the separator.
                m.call(realCallNew, args(i32.sub(get(POS, binaryen.i32), i32.const(1))), binaryen.none),
                m.call(bestEffort, [m.i32.wrap(get(SECONDS, binaryen.i64))], binaryen.none),
                m.return()
            ]),
            m.call(realCallNew, args(get(NAME_SIZE, binaryen.i32)), binaryen.none)
        ]);
        return { vars: [binaryen.i32, binaryen.i32, binaryen.i64], body };
    });
}
