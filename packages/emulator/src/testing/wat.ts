import wabtInit from 'wabt';

const wabt = await wabtInit();

/** Compiles WebAssembly text to a binary module (wabt), for canisters written by hand in tests. */
export function wat(text: string): Uint8Array {
    const parsed = wabt.parseWat('canister.wat', text);
    try {
        return parsed.toBinary({}).buffer;
    } finally {
        parsed.destroy();
    }
}
