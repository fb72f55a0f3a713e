/**
 * A canister of another CDK: Motoko, compiled offline with moc.js. It runs as any canister does,
 * and its best-effort call (`with timeout`) to a callee that never runs ends in SYS_UNKNOWN.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IDL } from '@dfinity/candid';

import { Emulator } from '../src/index.js';
import { calleeModule } from './canisters.js';

const SOURCE = `
import Error "mo:core/Error";

persistent actor {
  public func echo(t : Text) : async Text { t };
  public query func greet(name : Text) : async Text { "Hello, " # name };
  public func callWithTimeout(id : Text) : async Text {
    let callee = actor (id) : actor { echo : (Text) -> async Text };
    try {
      ignore await (with timeout = 2) callee.echo("x");
      "replied"
    } catch (e) {
      debug_show (Error.code(e))
    }
  };
};
`;

function compileMotoko(source: string): Uint8Array {
    const dir = mkdtempSync(join(tmpdir(), 'motoko-'));
    try {
        const out = join(dir, 'main.wasm');
        const run = spawnSync(process.execPath, [join(import.meta.dirname, 'support', 'compile_motoko.cjs'), out], { input: source, encoding: 'utf8', timeout: 120_000 });
        if (run.status !== 0) throw new Error(`moc failed: ${run.stderr}`);
        return readFileSync(out);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const text = (bytes: Uint8Array) => IDL.decode([IDL.Text], bytes)[0] as string;
const arg = (...values: string[]) => new Uint8Array(IDL.encode(values.map(() => IDL.Text), values));

describe('a Motoko canister', () => {
    const wasm = compileMotoko(SOURCE);

    it('installs and answers updates and queries', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm });
        expect(text(await em.updateCall(id, 'echo', arg('hi')))).toBe('hi');
        expect(text(await em.queryCall(id, 'greet', arg('World')))).toBe('Hello, World');
    });

    it('makes a best-effort call that ends in SYS_UNKNOWN when the callee never runs', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm });
        const callee = await em.setupCanister({ wasm: calleeModule() });
        em.makeUnresponsive(callee, 1_000);
        expect(text(await em.updateCall(id, 'callWithTimeout', arg(callee.toText())))).toBe('#system_unknown');
    });
});
