/** Canisters the emulator provides without wasm: stand-ins for system canisters that tools expect. */
import { Subnet } from '../subnet/subnet.js';
import { BuiltinCanister } from './builtin.js';
import { CyclesLedger } from './cycles_ledger.js';
import { CyclesMinting } from './cycles_minting.js';

export { type BuiltinCanister } from './builtin.js';
export { CYCLES_LEDGER, CYCLES_LEDGER_FEE, STARTING_BALANCE } from './cycles_ledger.js';
export { CYCLES_MINTING_CANISTER } from './cycles_minting.js';

/** Registers the cycles-minting canister and the cycles ledger on `subnet`; returns them by principal text. */
export function installSystemCanisters(subnet: Subnet): ReadonlyMap<string, BuiltinCanister> {
    const all = new Map<string, BuiltinCanister>();
    for (const builtin of [new CyclesMinting(), new CyclesLedger()]) {
        subnet.builtins.set(builtin.id.toText(), builtin);
        all.set(builtin.id.toText(), builtin);
    }
    return all;
}
