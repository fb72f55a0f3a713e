import binaryen from 'binaryen';

import { ensureIc0Import, interpose } from './imports.js';

const NEWLINE = 0x0a;

/**
 * Keeps build-machine details out of reject messages. Azle traps on an uncaught exception with
 * "Uncaught <name>: <message>\n<JS stack>", and the stack names files by the path they had on
 * the machine that built the module. The wrapper around `ic0.trap` prints the whole text to
 * the canister log (`ic0.debug_print`: controllers read it there) and traps with its first
 * line only, which is what the caller of the canister sees.
 */
export function installTrapFirstLine(m: binaryen.Module): void {
    // The import itself, not the request channel's wrapper in front of it (installed first).
    const debugPrint = ensureIc0Import(m, 'debug_print');
    interpose(m, 'trap', (realTrap) => {
        const SRC = 0;
        const SIZE = 1;
        const END = 2; // i32: length of the first line
        const at = (offset: binaryen.ExpressionRef) => m.i32.load8_u(0, 1, m.i32.add(m.local.get(SRC, binaryen.i32), offset));
        const body = m.block(null, [
            m.call(debugPrint, [m.local.get(SRC, binaryen.i32), m.local.get(SIZE, binaryen.i32)], binaryen.none),
            m.local.set(END, m.i32.const(0)),
            m.block('found', [
                m.loop(
                    'scan',
                    m.block(null, [
                        m.br('found', m.i32.ge_u(m.local.get(END, binaryen.i32), m.local.get(SIZE, binaryen.i32))),
                        m.br('found', m.i32.eq(at(m.local.get(END, binaryen.i32)), m.i32.const(NEWLINE))),
                        m.local.set(END, m.i32.add(m.local.get(END, binaryen.i32), m.i32.const(1))),
                        m.br('scan')
                    ])
                )
            ]),
            m.call(realTrap, [m.local.get(SRC, binaryen.i32), m.local.get(END, binaryen.i32)], binaryen.none)
        ]);
        return { vars: [binaryen.i32], body };
    });
}
