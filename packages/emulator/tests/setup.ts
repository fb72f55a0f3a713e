import { Principal } from '@dfinity/principal';

import { Emulator, EmulatorOptions } from '../src/index.js';
import { CallPlan, calleeModule, callerModule } from './canisters.js';

export const EMPTY = new Uint8Array();
export const SECOND = 1_000_000_000n;

/** A fresh emulator with the test callee installed. */
export async function withCallee(options: EmulatorOptions = {}): Promise<{ em: Emulator; callee: Principal }> {
    const em = await Emulator.create(options);
    const callee = await em.setupCanister({ wasm: calleeModule() });
    return { em, callee };
}

/** Installs a caller canister that makes the planned call when its `go` method runs. */
export async function installCaller(em: Emulator, plan: CallPlan, cycles?: bigint): Promise<Principal> {
    return em.setupCanister({ wasm: callerModule(plan), cycles });
}
