import { HOSTILE_IDENTITIES } from '@kit/shared/testing';

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

/**
 * The kit's hostile identities (`@kit/shared/testing`) as query values, then
 * the ways the request itself can be hostile: no or repeated parameters,
 * parameter syntaxes, encodings, JSON types and bodies.
 */
export const hostileTokenRequests: readonly HostileRequest[] = [
  ...HOSTILE_IDENTITIES.map(({ name, value }) => ({
    name,
    query: `identity=${encodeURIComponent(value)}`,
  })),
  { name: 'no identity', query: '' },
  { name: 'invalid UTF-8', query: 'identity=%C0%AF' },
  { name: 'repeated parameter', query: 'identity=alice&identity=bob' },
  { name: 'array syntax', query: 'identity[]=alice' },
  { name: 'object syntax', query: 'identity[name]=alice' },
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
  ...HOSTILE_IDENTITIES.map(({ name, value }) => ({ name: `To: ${name}`, params: { To: value } })),
  { name: 'From is a phone number', params: { From: '+819012345678' } },
  { name: 'From is a SIP URI', params: { From: 'sip:alice@example.com' } },
  { name: 'From without client: prefix', params: { From: 'alice' } },
  { name: 'From with markup', params: { From: 'client:<b>alice</b>' } },
  { name: 'From empty', params: { From: '' } },
];
