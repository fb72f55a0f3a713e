import ts from 'typescript';

const WIDTH = 100;

/** The doc comments of a canister's class and of its methods, by Candid method name. */
export interface CanisterDocs {
    readonly service: string | undefined;
    readonly methods: ReadonlyMap<string, string>;
}

function docOf(node: ts.Node): string | undefined {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim();
    return text === '' ? undefined : text;
}

function isCanisterMethod(member: ts.ClassElement): member is ts.MethodDeclaration {
    if (!ts.isMethodDeclaration(member)) return false;
    return (ts.getDecorators(member) ?? []).some((d) => {
        const e = d.expression;
        const name = ts.isCallExpression(e) ? e.expression.getText() : e.getText();
        return name === 'update' || name === 'query';
    });
}

/**
 * Reads the default-exported class of a canister's entry file: its doc comment and those of
 * its `@update` / `@query` methods, whose names are the Candid method names.
 */
export function readCanisterDocs(fileName: string, source: string): CanisterDocs {
    const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const methods = new Map<string, string>();
    let service: string | undefined;
    for (const statement of file.statements) {
        if (!ts.isClassDeclaration(statement)) continue;
        if (!(ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) continue;
        service = docOf(statement);
        for (const member of statement.members) {
            if (!isCanisterMethod(member)) continue;
            const doc = docOf(member);
            if (doc !== undefined) methods.set(member.name.getText(file), doc);
        }
    }
    return { service, methods };
}

/** `text` as `//` comment lines of at most WIDTH characters, paragraphs kept. */
function commentLines(text: string, indent: string): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\n\s*\n/)) {
        if (lines.length > 0) lines.push(`${indent}//`);
        let line = '';
        for (const word of paragraph.split(/\s+/).filter(Boolean)) {
            if (line !== '' && indent.length + 3 + line.length + 1 + word.length > WIDTH) {
                lines.push(`${indent}// ${line}`);
                line = word;
            } else line = line === '' ? word : `${line} ${word}`;
        }
        if (line !== '') lines.push(`${indent}// ${line}`);
    }
    return lines;
}

/**
 * Puts the doc comments above the service and above each of its methods in a Candid file as
 * Azle writes it (`service: (...) -> {`, one method per line), so that who may call a method,
 * and what it costs, reads in the interface itself.
 */
export function annotateCandid(did: string, docs: CanisterDocs): string {
    const out: string[] = [];
    for (const line of did.split('\n')) {
        if (/^service\s*:/.test(line) && docs.service !== undefined) out.push(...commentLines(docs.service, ''));
        const method = /^(\s+)([A-Za-z_][A-Za-z0-9_]*)\s*:\s*\(/.exec(line);
        const doc = method === null ? undefined : docs.methods.get(method[2]);
        if (method !== null && doc !== undefined) out.push(...commentLines(doc, method[1]));
        out.push(line);
    }
    return out.join('\n');
}
