/** An HTTP answer: status, content type and body. */
export class HttpReply {
    private constructor(
        readonly status: number,
        readonly contentType: string | undefined,
        readonly body: Uint8Array
    ) {}

    static cbor(status: number, body: Uint8Array): HttpReply {
        return new HttpReply(status, 'application/cbor', body);
    }

    static text(status: number, text: string): HttpReply {
        return new HttpReply(status, 'text/plain; charset=utf-8', new TextEncoder().encode(text));
    }

    static json(status: number, value: unknown): HttpReply {
        return new HttpReply(status, 'application/json', new TextEncoder().encode(JSON.stringify(value)));
    }

    static empty(status: number): HttpReply {
        return new HttpReply(status, undefined, new Uint8Array());
    }
}
