/**
 * Every `dfx canister call` in docs/TUTORIAL.md, run in order against the embedded emulator, so
 * that the tutorial cannot rot: the calls must succeed, and where the tutorial shows the output,
 * its variant tags and booleans must match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IDL } from '@dfinity/candid';

import { Emulator, PendingCall } from '@response-models/emulator';
import { builtWasm } from '../../harness/built';
import { EmulatorHarness } from '../../harness/emulator_harness';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { ROOT } from '../../harness/root';
import { parseArgs } from './candid_text';
import { agrees, shellWords } from './tutorial_text';

/** One `dfx canister ...` line of the tutorial, parsed. */
interface TutorialCommand {
    line: string;
    /** The dfx identity it runs as (`--identity <name>`), if not the default one. */
    identity: string | undefined;
    /** `call`, `stop`, `start`, `install`, `snapshot`, `request-status`, `status`. */
    command: string;
    /** The words after the command. */
    words: string[];
    async: boolean;
    /** What the tutorial shows after the block (for its last command). */
    expected: string | undefined;
}

/** dfx commands of the set-up and clean-up that manage the local replica, not the canisters. */
const REPLICA_COMMANDS = new Set(['start', 'deploy', 'stop', 'identity']);

function tutorialCommands(text: string, vars: Record<string, string>): TutorialCommand[] {
    const commands: TutorialCommand[] = [];
    const blocks = [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
    blocks.forEach(([, lang, body], i) => {
        if (lang !== 'bash') return;
        const next = blocks[i + 1];
        const expected = next !== undefined && next[1] === 'text' ? next[2].trim() : undefined;
        const lines = body.split('\n').filter((l) => l.startsWith('dfx '));
        lines.forEach((line, j) => {
            let words = shellWords(line.replace(/\s+#.*$/, ''), vars).slice(1);
            let identity: string | undefined;
            let async = false;
            for (;;) {
                if (words[0] === '--async') [async, words] = [true, words.slice(1)];
                else if (words[0] === '--identity') [identity, words] = [words[1], words.slice(2)];
                else break;
            }
            if (words[0] !== 'canister') {
                if (!REPLICA_COMMANDS.has(words[0])) throw new Error(`the tutorial runs a dfx command this test does not know: ${line}`);
                return;
            }
            words = words.slice(1);
            if (words[1] === '--async') [async, words] = [true, [words[0], ...words.slice(2)]];
            const command = words[0];
            commands.push({ line, identity, command, words: words.slice(1), async, expected: j === lines.length - 1 ? expected : undefined });
        });
    });
    return commands;
}

describe('docs/TUTORIAL.md', () => {
    it('every dfx canister command runs against the emulator and shows what the tutorial says', async () => {
        const h = await EmulatorHarness.deploy();
        const vars = { CALLER: h.caller.toText(), CALLEE: h.callee.toText(), LEDGER: h.ledger.toText(), ME: h.em.defaultSender.toText() };
        const commands = tutorialCommands(readFileSync(join(ROOT, 'docs', 'TUTORIAL.md'), 'utf8'), vars);
        expect(commands.filter((c) => c.command === 'call').length).toBeGreaterThanOrEqual(15);
        const services: Record<string, [IDL.ServiceClass, ReturnType<typeof Emulator.identity>]> = {
            caller: [callerIdl({ IDL }), h.caller],
            untrusted_callee: [calleeIdl({ IDL }), h.callee],
            ledger_mock: [ledgerIdl({ IDL }), h.ledger]
        };
        const idOf = (name: string) => {
            const entry = services[name];
            if (entry === undefined) throw new Error(`no canister ${name}`);
            return entry[1];
        };
        const background: PendingCall<Uint8Array>[] = [];
        const snapshots: Uint8Array[] = [];
        const ran: string[] = [];
        for (const c of commands) {
            const options = { sender: c.identity === undefined ? undefined : Emulator.identity(c.identity) };
            switch (c.command) {
                case 'call': {
                    const [canister, method, args = '()'] = c.words;
                    const [service, id] = services[canister];
                    const func = service._fields.find(([name]) => name === method)?.[1];
                    if (func === undefined) throw new Error(`${canister} has no method ${method}: ${c.line}`);
                    const arg = new Uint8Array(IDL.encode(func.argTypes, parseArgs(args, func.argTypes)));
                    if (c.async) {
                        background.push(h.em.submit(id, method, arg, options));
                        await h.em.tick(3);
                        break;
                    }
                    const reply = func.annotations.includes('query')
                        ? await h.em.queryCall(id, method, arg, options)
                        : await h.em.updateCall(id, method, arg, { ...options, maxRounds: 120 });
                    const shown = IDL.FuncClass.argsToString(func.retTypes, IDL.decode(func.retTypes, reply));
                    if (c.expected !== undefined && !agrees(c.expected, shown)) {
                        throw new Error(`${c.line}\n  the tutorial shows: ${c.expected}\n  the canister said: ${shown}`);
                    }
                    if (method === 'transfer') await h.em.tick(15); // "a few seconds later"
                    break;
                }
                case 'stop':
                    await h.em.stopCanister({ canisterId: idOf(c.words[0]), maxRounds: 400 });
                    break;
                case 'start':
                    await h.em.startCanister({ canisterId: idOf(c.words[0]) });
                    await h.em.tick(3);
                    break;
                case 'install':
                    expect(c.words.slice(1)).toEqual(['--mode', 'upgrade', '--yes']);
                    await h.em.upgradeCanister({ canisterId: idOf(c.words[0]), wasm: readFileSync(builtWasm(c.words[0])) });
                    break;
                case 'snapshot':
                    if (c.words[0] === 'create') snapshots.push((await h.em.takeCanisterSnapshot({ canisterId: idOf(c.words[1]) })).id);
                    else if (c.words[0] === 'load' && c.words.slice(2).join(' ') === '<snapshot id>') {
                        await h.em.loadCanisterSnapshot({ canisterId: idOf(c.words[1]), snapshotId: snapshots[snapshots.length - 1] });
                    } else throw new Error(`unknown snapshot command: ${c.line}`);
                    break;
                case 'request-status':
                    await h.em.tick(10);
                    for (const pending of background) expect(pending.status).toBe('replied');
                    break;
                default:
                    throw new Error(`the tutorial runs a dfx canister command this test does not know: ${c.line}`);
            }
            ran.push(`${c.command} ${c.words.slice(0, 2).join(' ')}`);
        }
        expect(ran).toHaveLength(commands.length);
        expect(ran).toEqual(expect.arrayContaining(['stop caller', 'snapshot create caller', 'snapshot load caller', 'install caller --mode']));
    });
});
