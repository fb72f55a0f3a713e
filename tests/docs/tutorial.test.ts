/**
 * Every `dfx canister call` in docs/TUTORIAL.md, run in order against the embedded emulator, so
 * that the tutorial cannot rot: the calls must succeed, and where the tutorial shows the output,
 * its variant tags and booleans must match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IDL } from '@dfinity/candid';

import { Emulator, PendingCall } from '../../emulator';
import { EmulatorHarness } from '../../harness/emulator_harness';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { ROOT } from '../../tools/build/canisters';
import { parseArgs } from './candid_text';
import { agrees, shellWords } from './tutorial_text';

interface TutorialCall {
    line: string;
    /** The dfx identity the call is made as (`--identity <name>`), if not the default one. */
    identity: string | undefined;
    canister: string;
    method: string;
    args: string;
    async: boolean;
    expected: string | undefined;
}

function tutorialCalls(text: string, vars: Record<string, string>): TutorialCall[] {
    const calls: TutorialCall[] = [];
    const blocks = [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
    blocks.forEach(([, lang, body], i) => {
        if (lang !== 'bash') return;
        const next = blocks[i + 1];
        const expected = next !== undefined && next[1] === 'text' ? next[2].trim() : undefined;
        const lines = body.split('\n').filter((l) => /^dfx (--identity \S+ )?canister call /.test(l));
        lines.forEach((line, j) => {
            let words = shellWords(line, vars).slice(1);
            let identity: string | undefined;
            let async = false;
            for (;;) {
                if (words[0] === '--async') [async, words] = [true, words.slice(1)];
                else if (words[0] === '--identity') [identity, words] = [words[1], words.slice(2)];
                else if (words[0] === 'canister' && words[1] === 'call') words = words.slice(2);
                else break;
            }
            const [canister, method, args = '()'] = words;
            calls.push({ line, identity, canister, method, args, async, expected: j === lines.length - 1 ? expected : undefined });
        });
    });
    return calls;
}

describe('docs/TUTORIAL.md', () => {
    it('every dfx canister call runs against the emulator and shows what the tutorial says', async () => {
        const h = await EmulatorHarness.deploy();
        const vars = { CALLER: h.caller.toText(), CALLEE: h.callee.toText(), LEDGER: h.ledger.toText(), ME: h.em.defaultSender.toText() };
        const calls = tutorialCalls(readFileSync(join(ROOT, 'docs', 'TUTORIAL.md'), 'utf8'), vars);
        expect(calls.length).toBeGreaterThanOrEqual(15);
        const services: Record<string, [IDL.ServiceClass, ReturnType<typeof Emulator.identity>]> = {
            caller: [callerIdl({ IDL }), h.caller],
            untrusted_callee: [calleeIdl({ IDL }), h.callee],
            ledger_mock: [ledgerIdl({ IDL }), h.ledger]
        };
        const background: PendingCall<Uint8Array>[] = [];
        const ran: string[] = [];
        for (const call of calls) {
            const [service, id] = services[call.canister];
            const func = service._fields.find(([name]) => name === call.method)?.[1];
            if (func === undefined) throw new Error(`${call.canister} has no method ${call.method}: ${call.line}`);
            const arg = new Uint8Array(IDL.encode(func.argTypes, parseArgs(call.args, func.argTypes)));
            const options = { sender: call.identity === undefined ? undefined : Emulator.identity(call.identity) };
            if (call.async) {
                background.push(h.em.submit(id, call.method, arg, options));
                await h.em.tick(3);
            } else {
                const reply = func.annotations.includes('query')
                    ? await h.em.queryCall(id, call.method, arg, options)
                    : await h.em.updateCall(id, call.method, arg, { ...options, maxRounds: 120 });
                const shown = IDL.FuncClass.argsToString(func.retTypes, IDL.decode(func.retTypes, reply));
                if (call.expected !== undefined && !agrees(call.expected, shown)) {
                    throw new Error(`${call.line}\n  the tutorial shows: ${call.expected}\n  the canister said: ${shown}`);
                }
                if (call.method === 'transfer') await h.em.tick(15); // "a few seconds later"
            }
            ran.push(`${call.canister}.${call.method}`);
        }
        await h.em.tick(10);
        for (const pending of background) expect(pending.status).toBe('replied');
        expect(ran).toHaveLength(calls.length);
    });
});
