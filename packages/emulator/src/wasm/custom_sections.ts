import { Reader, sections, SectionId } from './binary.js';

/** Canister metadata: a custom section named `icp:public <name>` or `icp:private <name>`. */
export interface Metadata {
    readonly visibility: 'public' | 'private';
    readonly content: Uint8Array;
}

/**
 * The module's canister metadata by name (spec, "Canister metadata": custom sections whose names
 * start with `icp:public ` or `icp:private `; the replica keeps them at install and serves them at
 * /canister/<id>/metadata/<name>). Other custom sections (names, producers) are not metadata.
 */
export function readMetadata(wasm: Uint8Array): ReadonlyMap<string, Metadata> {
    const found = new Map<string, Metadata>();
    for (const section of sections(wasm)) {
        if (section.id !== SectionId.Custom) continue;
        const r = new Reader(wasm, section.start, section.end);
        const name = r.name();
        const match = /^icp:(public|private) (.+)$/s.exec(name);
        if (match === null) continue;
        found.set(match[2], { visibility: match[1] as Metadata['visibility'], content: wasm.slice(r.pos, section.end) });
    }
    return found;
}
