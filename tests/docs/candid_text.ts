/**
 * Parses Candid text arguments (as `dfx canister call` takes them) into values, guided by the
 * method's types: enough of the textual syntax for the tutorial (numbers, text, bool, null,
 * principal, blob, opt, vec, record, variant), with no type annotations needed.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

class Parser {
    private pos = 0;
    constructor(private readonly src: string) {}

    fail(message: string): never {
        throw new Error(`${message} at ${this.pos} in ${this.src}`);
    }

    skip(): void {
        while (this.pos < this.src.length && /[\s]/.test(this.src[this.pos])) this.pos++;
    }

    peek(token: string): boolean {
        this.skip();
        return this.src.startsWith(token, this.pos);
    }

    eat(token: string): void {
        if (!this.peek(token)) this.fail(`expected ${token}`);
        this.pos += token.length;
    }

    word(): string {
        this.skip();
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
        if (m === null) this.fail('expected a name');
        this.pos += m[0].length;
        return m[0];
    }

    number(): bigint {
        this.skip();
        const m = /^[+-]?[0-9_]+/.exec(this.src.slice(this.pos));
        if (m === null) this.fail('expected a number');
        this.pos += m[0].length;
        return BigInt(m[0].replaceAll('_', ''));
    }

    text(): string {
        this.eat('"');
        let out = '';
        while (this.src[this.pos] !== '"') {
            if (this.pos >= this.src.length) this.fail('unterminated text');
            if (this.src[this.pos] === '\\') {
                const next = this.src[this.pos + 1];
                if (next === 'n') out += '\n';
                else if (/[0-9a-f]/i.test(next)) {
                    out += String.fromCharCode(parseInt(this.src.slice(this.pos + 1, this.pos + 3), 16));
                    this.pos++;
                } else out += next;
                this.pos += 2;
            } else out += this.src[this.pos++];
        }
        this.pos++;
        return out;
    }

    done(): boolean {
        this.skip();
        return this.pos >= this.src.length;
    }
}

function value(p: Parser, type: IDL.Type): unknown {
    if (type instanceof IDL.RecClass) return value(p, type.getType() as IDL.Type);
    if (type instanceof IDL.NatClass || type instanceof IDL.IntClass) return p.number();
    if (type instanceof IDL.FixedNatClass || type instanceof IDL.FixedIntClass) {
        const n = p.number();
        return type._bits <= 32 ? Number(n) : n;
    }
    if (type instanceof IDL.TextClass) return p.text();
    if (type instanceof IDL.BoolClass) {
        const w = p.word();
        if (w !== 'true' && w !== 'false') p.fail('expected a bool');
        return w === 'true';
    }
    if (type instanceof IDL.NullClass) {
        if (p.word() !== 'null') p.fail('expected null');
        return null;
    }
    if (type instanceof IDL.PrincipalClass) {
        p.eat('principal');
        return Principal.fromText(p.text());
    }
    if (type instanceof IDL.OptClass) {
        if (p.peek('null')) {
            p.eat('null');
            return [];
        }
        p.eat('opt');
        return [value(p, type._type)];
    }
    if (type instanceof IDL.VecClass) {
        const bytes = type._type instanceof IDL.FixedNatClass && type._type._bits === 8;
        if (bytes && p.peek('blob')) {
            p.eat('blob');
            return new Uint8Array([...p.text()].map((c) => c.charCodeAt(0)));
        }
        p.eat('vec');
        p.eat('{');
        const items: unknown[] = [];
        while (!p.peek('}')) {
            items.push(value(p, type._type));
            if (p.peek(';')) p.eat(';');
        }
        p.eat('}');
        return bytes ? new Uint8Array(items as number[]) : items;
    }
    if (type instanceof IDL.VariantClass) {
        p.eat('variant');
        p.eat('{');
        const tag = p.word();
        const field = type._fields.find(([name]) => name === tag);
        if (field === undefined) p.fail(`no variant ${tag}`);
        let inner: unknown = null;
        if (p.peek('=')) {
            p.eat('=');
            inner = value(p, field[1]);
        }
        p.eat('}');
        return { [tag]: inner };
    }
    if (type instanceof IDL.RecordClass) {
        p.eat('record');
        p.eat('{');
        const given = new Map<string, unknown>();
        while (!p.peek('}')) {
            const name = p.word();
            p.eat('=');
            const field = type._fields.find(([n]) => n === name);
            if (field === undefined) p.fail(`no field ${name}`);
            given.set(name, value(p, field[1]));
            if (p.peek(';')) p.eat(';');
        }
        p.eat('}');
        const out: Record<string, unknown> = {};
        for (const [name, t] of type._fields) {
            if (given.has(name)) out[name] = given.get(name);
            else if (t instanceof IDL.OptClass) out[name] = []; // an omitted opt field is null
            else p.fail(`missing field ${name}`);
        }
        return out;
    }
    return p.fail(`unsupported type ${type.display()}`);
}

/** Parses "(v1, v2, ...)" into values of `types`. */
export function parseArgs(text: string, types: IDL.Type[]): unknown[] {
    const p = new Parser(text.trim());
    if (types.length === 0 && p.done()) return [];
    p.eat('(');
    const values = types.map((t, i) => {
        const v = value(p, t);
        if (i < types.length - 1) p.eat(',');
        return v;
    });
    p.eat(')');
    if (!p.done()) p.fail('unexpected text after the arguments');
    return values;
}
