import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

// WeChat and WeCom never send a DTD: one in a request is an XXE / billion-laughs attempt. Only the
// markup counts, not the user's text: WeChat puts that in CDATA, where "<!DOCTYPE html> 收不到短信"
// is just a message.
const DTD = /<!DOCTYPE|<!ENTITY/i;

/** The text with every CDATA section left out (indexOf, so linear even with many unclosed ones). */
function markupOutsideCdata(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<![CDATA[', at);
    if (open < 0) return out + text.slice(at);
    out += text.slice(at, open);
    const close = text.indexOf(']]>', open + 9);
    if (close < 0) return out; // unclosed: malformed, the validator refuses it
    at = close + 3;
  }
}

// Entities and value coercion off: MsgId "6054768590064713728" must stay a string, not lose
// digits as a number, and user text must come through exactly as sent.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  trimValues: false,
});

/** The children of the platform's <xml> root as strings; throws XmlError on anything else. */
export function parseWechatXml(text: string): Record<string, string> {
  if (!text || DTD.test(markupOutsideCdata(text))) throw new XmlError('unsupported XML');
  if (XMLValidator.validate(text) !== true) throw new XmlError('malformed XML');
  let doc: { xml?: unknown };
  try {
    doc = parser.parse(text) as { xml?: unknown };
  } catch {
    // The validator lets a few broken inputs through ("<A/", deep nesting) that the parser rejects.
    throw new XmlError('malformed XML');
  }
  if (!doc || typeof doc.xml !== 'object' || doc.xml === null) throw new XmlError('no <xml> root');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.xml as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

/** CDATA that user text can't break out of: "]]>" is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply: To/From swapped by the caller, CreateTime in seconds (not ms). */
export function textReplyXml(to: string, from: string, createTime: number, content: string): string {
  return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${Math.floor(createTime)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(content)}</Content></xml>`;
}

/**
 * A passive reply that hands the conversation to WeChat's customer-service system (多客服), to
 * one account (TransInfo/KfAccount) when given. All values escaped like the text reply.
 */
export function transferReplyXml(to: string, from: string, createTime: number, kfAccount?: string): string {
  const trans = kfAccount ? `<TransInfo><KfAccount>${cdata(kfAccount)}</KfAccount></TransInfo>` : '';
  return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${Math.floor(createTime)}</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType>${trans}</xml>`;
}

/**
 * Split text into parts of at most `maxBytes` UTF-8 bytes, at line breaks where possible, then at
 * sentence ends, never inside a character.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let current = '';
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const pushPiece = (piece: string) => {
    const joined = current ? `${current}\n${piece}` : piece;
    if (bytes(joined) <= maxBytes) {
      current = joined;
      return;
    }
    if (current) parts.push(current);
    current = '';
    if (bytes(piece) <= maxBytes) {
      current = piece;
      return;
    }
    // One line longer than the limit: cut at sentence ends, or by characters as a last resort.
    let chunk = '';
    for (const unit of piece.match(/[^。！？.!?]+[。！？.!?]*/gu) ?? [piece]) {
      for (const ch of bytes(unit) > maxBytes ? Array.from(unit) : [unit]) {
        if (bytes(chunk + ch) > maxBytes) {
          parts.push(chunk);
          chunk = '';
        }
        chunk += ch;
      }
    }
    current = chunk;
  };
  for (const line of text.split('\n')) pushPiece(line);
  if (current) parts.push(current);
  return parts;
}

/** The text as one message of at most maxBytes: shortened, with `note` saying so, when too long. */
export function fitOneMessage(text: string, note: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  return `${splitUtf8(text, maxBytes - Buffer.byteLength(`\n${note}`, 'utf8'))[0]}\n${note}`;
}
