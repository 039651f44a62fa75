import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One `<Client>` of a `<Dial>`: who to ring, and the `<Parameter>`s to hand them. */
export interface DialClient {
  identity: string;
  parameters: Record<string, string>;
}

/** The verbs the emulator can carry out; everything else is refused as 12100. */
export type Verb =
  | {
      verb: 'Dial';
      clients: DialClient[];
      /** Seconds, from `timeout`; null when the TwiML leaves it to the default. */
      timeoutSeconds: number | null;
      callerId: string | null;
      answerOnBridge: boolean;
    }
  | { verb: 'Say'; text: string }
  | { verb: 'Play'; url: string }
  | { verb: 'Pause'; seconds: number }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: 'rejected' | 'busy' };

export type TwimlParse = { ok: true; verbs: Verb[] } | { ok: false; reason: string };

/** Twilio's own limits: `<Dial timeout>` up to 600 s, `<Pause length>` we cap lower. */
const MAX_DIAL_TIMEOUT_SECONDS = 600;
const MAX_PAUSE_SECONDS = 60;

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/**
 * Parses a TwiML document into verbs, all or nothing, as Twilio does: a
 * document with one unsupported or malformed part is refused before any of
 * it runs (Twilio error 12100).
 */
export function parseTwiml(xml: string): TwimlParse {
  // DTDs are never TwiML, and refusing them rules out entity-expansion tricks.
  if (/<!DOCTYPE/i.test(xml)) return fail('DOCTYPE は使えません');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) return fail(`XML として読めません(${validation.err.msg})`);
  let nodes: XmlNode[];
  try {
    nodes = parser.parse(xml) as XmlNode[];
  } catch (error) {
    return fail(`XML として読めません(${(error as Error).message})`);
  }
  const elements = nodes.filter((node) => tagOf(node) !== '?xml');
  const [root] = elements;
  if (elements.length !== 1 || root === undefined || tagOf(root) !== 'Response') {
    return fail('ルート要素が <Response> ではありません');
  }
  const verbs: Verb[] = [];
  for (const child of childrenOf(root)) {
    const verb = readVerb(child);
    if (typeof verb === 'string') return fail(verb);
    if (verb !== null) verbs.push(verb);
  }
  return { ok: true, verbs };
}

function fail(reason: string): TwimlParse {
  return { ok: false, reason };
}

/** A verb, null for whitespace between verbs, or the reason it is refused. */
function readVerb(node: XmlNode): Verb | null | string {
  const tag = tagOf(node);
  const attributes = attributesOf(node);
  switch (tag) {
    case '#text':
      return textOf(node).trim() === '' ? null : '<Response> の直下に文字列があります';
    case 'Say':
      return { verb: 'Say', text: textContent(node) };
    case 'Play':
      return { verb: 'Play', url: textContent(node) };
    case 'Pause': {
      const seconds = readNumber(attributes.length ?? '1');
      if (seconds === null || seconds < 0) return '<Pause length> が数ではありません';
      return { verb: 'Pause', seconds: Math.min(seconds, MAX_PAUSE_SECONDS) };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject':
      return { verb: 'Reject', reason: attributes.reason === 'busy' ? 'busy' : 'rejected' };
    case 'Dial':
      return readDial(node, attributes);
    default:
      return `<${tag}> はエミュレーターでは使えません`;
  }
}

function readDial(node: XmlNode, attributes: Record<string, string>): Verb | string {
  let timeoutSeconds: number | null = null;
  if (attributes.timeout !== undefined) {
    timeoutSeconds = readNumber(attributes.timeout);
    if (timeoutSeconds === null || timeoutSeconds <= 0)
      return '<Dial timeout> が正の数ではありません';
    timeoutSeconds = Math.min(timeoutSeconds, MAX_DIAL_TIMEOUT_SECONDS);
  }
  const clients: DialClient[] = [];
  for (const child of childrenOf(node)) {
    const tag = tagOf(child);
    if (tag === '#text') {
      // `<Dial>+8190…</Dial>` dials a phone number: not possible offline.
      if (textOf(child).trim() !== '') return '<Dial> で電話番号は発信できません';
      continue;
    }
    if (tag !== 'Client') return `<Dial><${tag}> はエミュレーターでは使えません`;
    const client = readClient(child);
    if (typeof client === 'string') return client;
    clients.push(client);
  }
  if (clients.length === 0) return '<Dial> に <Client> がありません';
  return {
    verb: 'Dial',
    clients,
    timeoutSeconds,
    callerId: attributes.callerId ?? null,
    answerOnBridge: attributes.answerOnBridge === 'true',
  };
}

/** `<Client>bob</Client>` or `<Client><Identity>bob</Identity><Parameter …/></Client>`. */
function readClient(node: XmlNode): DialClient | string {
  let identity = '';
  const parameters: Record<string, string> = {};
  for (const child of childrenOf(node)) {
    const tag = tagOf(child);
    if (tag === '#text') identity += textOf(child);
    else if (tag === 'Identity') identity += textContent(child);
    else if (tag === 'Parameter') {
      const { name, value } = attributesOf(child);
      if (!name) return '<Parameter> に name がありません';
      parameters[name] = value ?? '';
    } else return `<Client><${tag}> はエミュレーターでは使えません`;
  }
  identity = identity.trim();
  if (identity === '') return '<Client> に identity がありません';
  return { identity, parameters };
}

function tagOf(node: XmlNode): string {
  return Object.keys(node).find((key) => key !== ':@') ?? '';
}

function childrenOf(node: XmlNode): XmlNode[] {
  const children = node[tagOf(node)];
  return Array.isArray(children) ? (children as XmlNode[]) : [];
}

function attributesOf(node: XmlNode): Record<string, string> {
  const attributes = node[':@'];
  return typeof attributes === 'object' && attributes !== null
    ? (attributes as Record<string, string>)
    : {};
}

function textOf(node: XmlNode): string {
  const text = node['#text'];
  return typeof text === 'string' ? text : String(text ?? '');
}

function textContent(node: XmlNode): string {
  return childrenOf(node)
    .map((child) => (tagOf(child) === '#text' ? textOf(child) : textContent(child)))
    .join('')
    .trim();
}

function readNumber(text: string): number | null {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return null;
  return Number(text);
}
