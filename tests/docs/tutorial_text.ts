/** Reading the tutorials' shell lines and comparing what a call printed with what they show. */

/** Splits a shell line into words: single quotes, double quotes with \" and $VAR expansion. */
export function shellWords(line: string, vars: Record<string, string>): string[] {
    const words: string[] = [];
    let current = '';
    let inWord = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === "'") {
            const end = line.indexOf("'", i + 1);
            current += line.slice(i + 1, end);
            i = end;
            inWord = true;
        } else if (c === '"') {
            for (i++; line[i] !== '"'; i++) {
                if (line[i] === '\\') current += line[++i];
                else if (line[i] === '$') {
                    const name = /^[A-Z_]+/.exec(line.slice(i + 1))?.[0] ?? '';
                    current += vars[name] ?? `$${name}`;
                    i += name.length;
                } else current += line[i];
            }
            inWord = true;
        } else if (/\s/.test(c)) {
            if (inWord) words.push(current);
            current = '';
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (inWord) words.push(current);
    return words;
}

/** Variant tags and booleans the tutorial shows must be in the actual reply. */
export function agrees(expected: string, actual: string): boolean {
    const squash = (s: string) => s.replace(/\s+/g, '');
    const tags = [...expected.matchAll(/variant \{ (\w+)/g)].map((m) => `variant{${m[1]}`);
    const bools = [...expected.matchAll(/\b(true|false)\b/g)].map((m) => m[1]);
    const number = /^\((?:variant \{ Ok = )?(\d+) : nat64(?: \})?\)$/.exec(expected)?.[1];
    const exact = number === undefined ? [] : [number];
    return [...tags, ...bools, ...exact].every((t) => squash(actual).includes(squash(t)));
}
