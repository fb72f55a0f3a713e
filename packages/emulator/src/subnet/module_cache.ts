import { createHash } from 'node:crypto';

import { EmulatorError } from '../errors.js';
import { Metadata, readMetadata } from '../wasm/custom_sections.js';
import { instrument, Instrumented } from '../wasm/instrument.js';

/**
 * A canister module, instrumented and compiled once, shared by every canister that installs it:
 * what instrumentation tells about the module (wasm/instrument.ts), less its bytes, plus the compiled form.
 */
export interface CompiledModule extends Omit<Instrumented, 'wasm'> {
    readonly hash: string;
    readonly module: WebAssembly.Module;
    readonly imports: readonly WebAssembly.ModuleImportDescriptor[];
    readonly exports: ReadonlySet<string>;
    /** Canister metadata (`icp:public` / `icp:private` custom sections), kept as installed. */
    readonly metadata: ReadonlyMap<string, Metadata>;
}

const cache = new Map<string, CompiledModule>();

/** How a module is instrumented: both on, except for a benchmark's baseline. */
export interface Instrumentation {
    /** Instruction metering (wasm/inject.ts). */
    readonly metering: boolean;
    /** The write barrier that lets a rollback copy only the pages a message wrote; without it the whole heap is copied. */
    readonly pageRollback: boolean;
}

const FULL: Instrumentation = { metering: true, pageRollback: true };

/** Instruments and compiles a wasm module (already decompressed: see management/wasm_module.ts). */
export function compileModule(wasm: Uint8Array, how: Instrumentation = FULL): CompiledModule {
    const hash = createHash('sha256').update(wasm).digest('hex');
    const key = `${hash}:${how.metering}:${how.pageRollback}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    let compiled: CompiledModule;
    try {
        const instrumented = instrument(wasm, { metering: how.metering, dirtyPages: how.pageRollback });
        const module = new WebAssembly.Module(new Uint8Array(instrumented.wasm));
        compiled = {
            hash,
            module,
            imports: WebAssembly.Module.imports(module),
            exports: new Set(WebAssembly.Module.exports(module).map((e) => e.name)),
            mutableGlobals: instrumented.mutableGlobals,
            table: instrumented.table,
            memory: instrumented.memory,
            start: instrumented.start,
            metering: instrumented.metering,
            heapOffset: instrumented.heapOffset,
            instanceChanged: instrumented.instanceChanged,
            metadata: readMetadata(wasm)
        };
    } catch (e) {
        throw new EmulatorError(`invalid wasm module: ${(e as Error).message}`);
    }
    cache.set(key, compiled);
    return compiled;
}
