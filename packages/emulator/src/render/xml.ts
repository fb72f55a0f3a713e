/** The little XML the renderer writes: escaped text, attributes in a fixed order, short numbers. */

/** Characters XML 1.0 does not allow (C0 controls other than tab, newline, return; lone surrogates; U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text safe inside an element or a double- or single-quoted attribute. A method name is whatever
 * the calling canister passed, so anything can arrive here; what XML cannot carry becomes U+FFFD.
 */
export function escapeXml(text: string): string {
    return text
        .replace(NOT_XML, '\uFFFD')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&apos;');
}

/** A coordinate with at most one decimal, so the same drawing always prints the same bytes. */
export function num(n: number): string {
    const rounded = Math.round(n * 10) / 10;
    return Object.is(rounded, -0) ? '0' : String(rounded);
}

export type Attributes = Record<string, string | number | undefined>;

/** A start tag; attributes print in the order given, numbers through {@link num}, undefined ones not at all. */
export function startTag(name: string, attributes: Attributes): string {
    let out = `<${name}`;
    for (const [key, value] of Object.entries(attributes)) {
        if (value === undefined) continue;
        out += ` ${key}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
    }
    return `${out}>`;
}

/** One element, empty unless `content` (already escaped markup) is given. */
export function element(name: string, attributes: Attributes, content?: string): string {
    const start = startTag(name, attributes);
    return content === undefined ? `${start.slice(0, -1)}/>` : `${start}${content}</${name}>`;
}
