/**
 * Hostile requests for the token endpoints. Each must get a 4xx JSON error and
 * no token. `query` is appended raw (already encoded, so encodings themselves
 * can be hostile); `json` is sent as a JSON body; `form` as a form body.
 */
export interface HostileRequest {
  name: string;
  query?: string;
  json?: string;
  form?: string;
}

const tenKilobytes = 'a'.repeat(10 * 1024);

/**
 * Sends one hostile request to a token endpoint: the raw query (plus `extraQuery`,
 * e.g. the grants step 05 needs) and the JSON or form body, if any.
 */
export function sendHostile(
  endpoint: string,
  hostile: HostileRequest,
  extraQuery = '',
): Promise<Response> {
  const query = [hostile.query, extraQuery].filter(Boolean).join('&');
  const body =
    hostile.json !== undefined
      ? { type: 'application/json', text: hostile.json }
      : hostile.form !== undefined
        ? { type: 'application/x-www-form-urlencoded', text: hostile.form }
        : null;
  return fetch(
    `${endpoint}?${query}`,
    body ? { method: 'POST', headers: { 'content-type': body.type }, body: body.text } : {},
  );
}

export const hostileTokenRequests: readonly HostileRequest[] = [
  { name: 'no identity', query: '' },
  { name: 'empty identity', query: 'identity=' },
  { name: 'a space', query: 'identity=%20' },
  { name: 'inner space', query: 'identity=alice%20bob' },
  { name: 'tab', query: 'identity=alice%09' },
  { name: 'newline', query: 'identity=alice%0A' },
  { name: 'CRLF header injection', query: 'identity=alice%0D%0ASet-Cookie:%20x=1' },
  { name: 'NUL byte', query: 'identity=al%00ice' },
  { name: '65 characters', query: `identity=${'a'.repeat(65)}` },
  { name: '10 kB', query: `identity=${tenKilobytes}` },
  { name: 'markup', query: 'identity=%3Cscript%3Ealert(1)%3C%2Fscript%3E' },
  { name: '<Dial> injection', query: 'identity=%3C%2FClient%3E%3CNumber%3E%2B81%3C%2FNumber%3E' },
  { name: 'client: prefix', query: 'identity=client%3Aalice' },
  { name: 'SIP URI', query: 'identity=sip%3Aalice%40example.com' },
  { name: 'E.164 number', query: 'identity=%2B819012345678' },
  { name: 'path traversal', query: 'identity=..%2F..%2Fetc%2Fpasswd' },
  { name: 'zero-width space', query: 'identity=alice%E2%80%8B' },
  { name: 'Cyrillic homoglyph', query: 'identity=%D0%B0lice' },
  { name: 'full-width letters', query: 'identity=%EF%BD%81%EF%BD%8C%EF%BD%89%EF%BD%83%EF%BD%85' },
  { name: 'Japanese', query: 'identity=%E3%82%A2%E3%83%AA%E3%82%B9' },
  { name: 'emoji', query: 'identity=%F0%9F%98%80' },
  { name: 'invalid UTF-8', query: 'identity=%C0%AF' },
  { name: 'repeated parameter', query: 'identity=alice&identity=bob' },
  { name: 'array syntax', query: 'identity[]=alice' },
  { name: 'object syntax', query: 'identity[name]=alice' },
  { name: 'template injection', query: 'identity=%24%7Bjndi%3Aldap%3A%2F%2Fx%7D' },
  { name: 'SQL-ish', query: "identity='%3B%20DROP%20TABLE%20users%3B--" },
  { name: 'JSON number', json: '{"identity":123}' },
  { name: 'JSON array', json: '{"identity":["alice"]}' },
  { name: 'JSON operator object', json: '{"identity":{"$ne":null}}' },
  { name: 'JSON null', json: '{"identity":null}' },
  { name: 'JSON boolean', json: '{"identity":true}' },
  { name: 'malformed JSON', json: '{"identity":' },
  {
    name: 'JSON body overrides a good query',
    query: 'identity=alice',
    json: '{"identity":"<Dial>"}',
  },
  { name: 'form with space', form: 'identity=alice+bob' },
  { name: 'form repeated', form: 'identity=alice&identity=bob' },
];

/** `To`/`From` values sent, correctly signed, to `/call`: none may dial anything but `<Client>`. */
export const hostileCallParams: readonly { name: string; params: Record<string, string> }[] = [
  ...[
    '+819012345678',
    '+1 (415) 555-0100',
    'tel:+819012345678',
    'sip:bob@example.com',
    'sips:bob@example.com:5061',
    'sip:bob@example.com;transport=tcp',
    'client:bob',
    'bob@example.com',
    '</Client></Dial><Dial><Number>+81</Number>',
    '<Sip>sip:x@y</Sip>',
    ']]><Number>+81</Number>',
    '&lt;Number&gt;',
    '',
    ' ',
    'bob ',
    'bob\n',
    'bo\u0000b',
    'bоb',
    'ｂｏｂ',
    'ボブ',
    'b'.repeat(65),
    tenKilobytes,
    '../bob',
    'bob/alice',
    'bob,alice',
    'bob;alice',
  ].map((to) => ({ name: `To=${JSON.stringify(to.slice(0, 40))}`, params: { To: to } })),
  { name: 'From is a phone number', params: { From: '+819012345678' } },
  { name: 'From is a SIP URI', params: { From: 'sip:alice@example.com' } },
  { name: 'From without client: prefix', params: { From: 'alice' } },
  { name: 'From with markup', params: { From: 'client:<b>alice</b>' } },
  { name: 'From empty', params: { From: '' } },
];
