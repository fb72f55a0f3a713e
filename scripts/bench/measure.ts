/** Small helpers for benchmarks: wall-clock timing and a uniform printout. */

export interface Measurement {
    readonly name: string;
    readonly value: number;
    readonly unit: string;
    readonly note?: string;
}

export async function time<T>(run: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
    const start = process.hrtime.bigint();
    const value = await run();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function print(title: string, rows: Measurement[]): void {
    console.log(`\n${title}`);
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
        const value = r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(2);
        console.log(`  ${r.name.padEnd(width)}  ${value.padStart(10)} ${r.unit}${r.note === undefined ? '' : `  (${r.note})`}`);
    }
}
