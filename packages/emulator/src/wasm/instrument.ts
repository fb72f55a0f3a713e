import { Reader, sections, SectionId, skipConstExpr, skipLimits, WasmFormatError, writeName, writeU32 } from './binary.js';
import { inject, RESERVED_BYTES } from './inject.js';

/** Export names the host adds; a module that already uses them is refused. */
export const GLOBAL_EXPORT_PREFIX = '__host_global_';
export const TABLE_EXPORT = '__host_table';
export const MEMORY_EXPORT = '__host_memory';
export const START_EXPORT = '__host_start';
export const COUNTER_EXPORT = '__host_instruction_counter';
export const OUT_OF_INSTRUCTIONS_EXPORT = '__host_out_of_instructions';
export const INSTANCE_CHANGED_EXPORT = '__host_instance_changed';
const RESERVED = new Set([TABLE_EXPORT, MEMORY_EXPORT, START_EXPORT, COUNTER_EXPORT, OUT_OF_INSTRUCTIONS_EXPORT, INSTANCE_CHANGED_EXPORT]);

export interface Instrumented {
    readonly wasm: Uint8Array;
    /** Export names of the module's mutable globals, which a host must save and restore. */
    readonly mutableGlobals: readonly string[];
    /** Export name of table 0, if the module has one (callbacks are indices into it). */
    readonly table: string | undefined;
    /** Export name of memory 0, if the module has one. */
    readonly memory: string | undefined;
    /** Export name of the start function, if the module has one: the host calls it after instantiation. */
    readonly start: string | undefined;
    /** Export names of the metering globals (see inject.ts), for a metered module. */
    readonly metering: { readonly counter: string; readonly outOfInstructions: string } | undefined;
    /**
     * With the write barrier: the canister's heap starts this many bytes into the memory, after
     * the map of written pages (see inject.ts); undefined without it.
     */
    readonly heapOffset: number | undefined;
    /**
     * Export name of an i32 global the module sets to 1 before it changes a table or drops a
     * segment, if it has such instructions (and is instrumented): the replica gives every message
     * a fresh instance, so such changes never outlive the message, and a host must do the same.
     */
    readonly instanceChanged: string | undefined;
}

interface ModuleShape {
    importedGlobals: number;
    mutableGlobals: number[];
    importedTables: number;
    definedTables: number;
    exportedTable: string | undefined;
    memories: number;
    exportedMemory: string | undefined;
    exportNames: Set<string>;
}

function shape(bytes: Uint8Array): ModuleShape {
    const s: ModuleShape = {
        importedGlobals: 0,
        mutableGlobals: [],
        importedTables: 0,
        definedTables: 0,
        exportedTable: undefined,
        memories: 0,
        exportedMemory: undefined,
        exportNames: new Set()
    };
    for (const section of sections(bytes)) {
        const r = new Reader(bytes, section.start, section.end);
        if (section.id === SectionId.Import) {
            for (let n = r.u32(); n > 0; n--) {
                r.name();
                r.name();
                const kind = r.byte();
                if (kind === 0x00) r.u32();
                else if (kind === 0x01) {
                    r.byte();
                    skipLimits(r);
                    s.importedTables++;
                } else if (kind === 0x02) {
                    skipLimits(r);
                    s.memories++;
                }
                else if (kind === 0x03) {
                    r.byte();
                    if (r.byte() === 1) s.mutableGlobals.push(s.importedGlobals);
                    s.importedGlobals++;
                } else throw new WasmFormatError(`unknown import kind ${kind}`);
            }
        } else if (section.id === SectionId.Table) {
            s.definedTables = r.u32();
        } else if (section.id === SectionId.Memory) {
            s.memories += r.u32();
        } else if (section.id === SectionId.Global) {
            const n = r.u32();
            for (let i = 0; i < n; i++) {
                const type = r.byte();
                if (r.byte() === 1) {
                    // The replica keeps v128 globals; JavaScript cannot read or write one
                    // (WebAssembly.Global.value throws for v128), so the host could not carry it
                    // from one message to the next: refused rather than silently reset.
                    if (type === 0x7b) throw new WasmFormatError(`mutable global ${s.importedGlobals + i} is a v128, which this emulator cannot keep between messages`);
                    s.mutableGlobals.push(s.importedGlobals + i);
                }
                skipConstExpr(r);
            }
        } else if (section.id === SectionId.Export) {
            for (let n = r.u32(); n > 0; n--) {
                const name = r.name();
                const kind = r.byte();
                const index = r.u32();
                s.exportNames.add(name);
                if (kind === 0x01 && index === 0) s.exportedTable = name;
                if (kind === 0x02 && index === 0) s.exportedMemory = name;
            }
        }
    }
    return s;
}

/**
 * Exports every mutable global and table 0, as the replica's instrumentation does, so that a host
 * can snapshot and roll back a message's effects and call callbacks by table index. Works on the
 * binary directly (no re-encoding of code), so it costs milliseconds even for a 3.5 MB module.
 */
export function instrument(original: Uint8Array, options: { metering: boolean; dirtyPages: boolean }): Instrumented {
    const injected = options.metering || options.dirtyPages ? inject(original, options) : undefined;
    const bytes = injected?.wasm ?? original;
    const hostGlobals: number[] = [];
    if (injected?.metering !== undefined) hostGlobals.push(injected.metering.counterGlobal, injected.metering.outOfInstructionsGlobal);
    if (injected !== undefined) hostGlobals.push(injected.instanceChanged.global);
    const s = shape(bytes);
    for (const name of s.exportNames) {
        if (name.startsWith(GLOBAL_EXPORT_PREFIX) || RESERVED.has(name)) {
            throw new WasmFormatError(`the module already exports ${name}`);
        }
    }
    const added: number[] = [];
    let count = 0;
    let metering: Instrumented['metering'];
    if (injected?.metering !== undefined) {
        added.push(...writeName(COUNTER_EXPORT), 0x03, ...writeU32(injected.metering.counterGlobal));
        added.push(...writeName(OUT_OF_INSTRUCTIONS_EXPORT), 0x03, ...writeU32(injected.metering.outOfInstructionsGlobal));
        count += 2;
        metering = { counter: COUNTER_EXPORT, outOfInstructions: OUT_OF_INSTRUCTIONS_EXPORT };
    }
    const heapOffset = injected?.dirtyPages === true ? RESERVED_BYTES : undefined;
    let instanceChanged: string | undefined;
    if (injected?.instanceChanged.used === true) {
        added.push(...writeName(INSTANCE_CHANGED_EXPORT), 0x03, ...writeU32(injected.instanceChanged.global));
        count++;
        instanceChanged = INSTANCE_CHANGED_EXPORT;
    }
    // The metering globals are the host's: a trap does not roll them back.
    const mutableGlobals = s.mutableGlobals.filter((index) => !hostGlobals.includes(index)).map((index) => {
        const name = `${GLOBAL_EXPORT_PREFIX}${index}`;
        added.push(...writeName(name), 0x03, ...writeU32(index));
        count++;
        return name;
    });
    let table = s.exportedTable;
    if (table === undefined && s.importedTables + s.definedTables > 0) {
        table = TABLE_EXPORT;
        added.push(...writeName(TABLE_EXPORT), 0x01, 0x00);
        count++;
    }
    let memory = s.exportedMemory;
    if (memory === undefined && s.memories > 0) {
        memory = MEMORY_EXPORT;
        added.push(...writeName(MEMORY_EXPORT), 0x02, 0x00);
        count++;
    }
    // The start function becomes an export the host calls once the instance exists, as the
    // replica runs it as a step of its own: it may call debug_print, which reads the heap.
    const startSection = sections(bytes).find((x) => x.id === SectionId.Start);
    let start: string | undefined;
    let body = bytes;
    if (startSection !== undefined) {
        start = START_EXPORT;
        added.push(...writeName(START_EXPORT), 0x00, ...writeU32(new Reader(bytes, startSection.start, startSection.end).u32()));
        count++;
        body = new Uint8Array(bytes.length - (startSection.end - startSection.headerStart));
        body.set(bytes.subarray(0, startSection.headerStart), 0);
        body.set(bytes.subarray(startSection.end), startSection.headerStart);
    }
    if (count === 0) return { wasm: bytes, mutableGlobals, table, memory, start, metering, heapOffset, instanceChanged };
    return withExports(body, added, count, { mutableGlobals, table, memory, start, metering, heapOffset, instanceChanged });
}

/** Appends `count` export entries (`added`, encoded) to the module's export section, creating it if needed. */
function withExports(bytes: Uint8Array, added: number[], count: number, names: Omit<Instrumented, 'wasm'>): Instrumented {
    const all = sections(bytes);
    const exportSection = all.find((x) => x.id === SectionId.Export);
    let before: Uint8Array;
    let after: Uint8Array;
    let entries: number[];
    if (exportSection !== undefined) {
        const r = new Reader(bytes, exportSection.start, exportSection.end);
        const existing = r.u32();
        entries = [...writeU32(existing + count), ...bytes.subarray(r.pos, exportSection.end), ...added];
        before = bytes.subarray(0, exportSection.headerStart);
        after = bytes.subarray(exportSection.end);
    } else {
        // Insert after the last section that must precede exports (ids 1-6), skipping custom ones.
        const preceding = all.filter((x) => x.id >= SectionId.Type && x.id <= SectionId.Global);
        const cut = preceding.length > 0 ? preceding[preceding.length - 1].end : 8;
        entries = [...writeU32(count), ...added];
        before = bytes.subarray(0, cut);
        after = bytes.subarray(cut);
    }
    const section = [SectionId.Export, ...writeU32(entries.length), ...entries];
    const out = new Uint8Array(before.length + section.length + after.length);
    out.set(before, 0);
    out.set(section, before.length);
    out.set(after, before.length + section.length);
    return { wasm: out, ...names };
}
