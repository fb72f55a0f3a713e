import wabtInit from 'wabt';

const wabt = await wabtInit();

/** Compiles WebAssembly text to a binary module. */
export function wat(text: string): Uint8Array {
    const parsed = wabt.parseWat('test.wat', text);
    try {
        return parsed.toBinary({}).buffer;
    } finally {
        parsed.destroy();
    }
}
