/** An identity value a server must refuse, named for test titles. */
export interface HostileIdentity {
  name: string;
  value: string;
}

const tenKilobytes = 'a'.repeat(10 * 1024);

/**
 * The kit's one list of hostile identity strings: each breaks IDENTITY_PATTERN
 * (`[A-Za-z0-9_.-]{1,64}`), so `checkIdentity` refuses it, every token endpoint
 * must answer 4xx, and `/call` must not dial it. Each is sent as a value
 * (encoded by the caller); the ways a request itself can be malformed
 * (repeated parameters, JSON types, invalid encodings) belong to the tests of
 * each endpoint.
 */
export const HOSTILE_IDENTITIES: readonly HostileIdentity[] = [
  // Empty, spaces and control characters
  { name: 'empty', value: '' },
  { name: 'a space', value: ' ' },
  { name: 'leading space', value: ' alice' },
  { name: 'trailing space', value: 'alice ' },
  { name: 'inner space', value: 'alice bob' },
  { name: 'tab', value: 'alice\t' },
  { name: 'newline', value: 'alice\n' },
  { name: 'CRLF header injection', value: 'alice\r\nSet-Cookie: x=1' },
  { name: 'NUL byte', value: 'al\u0000ice' },
  { name: 'zero-width space', value: 'alice\u200b' },
  // Length
  { name: '65 characters', value: 'a'.repeat(65) },
  { name: '10 kB', value: tenKilobytes },
  // Beyond ASCII
  { name: 'Cyrillic homoglyph', value: '\u0430lice' },
  { name: 'full-width letters', value: 'ａｌｉｃｅ' },
  { name: 'Japanese', value: 'アリス' },
  { name: 'emoji', value: '😀' },
  // Markup and TwiML injection
  { name: 'markup', value: '<script>alert(1)</script>' },
  { name: 'a <Number> element', value: '<Number>+819012345678</Number>' },
  { name: '<Number> injection', value: '</Client><Number>+81</Number>' },
  { name: 'balanced <Client> injection', value: 'bob</Client><Number>+81</Number><Client>' },
  { name: 'a second <Dial>', value: '</Client></Dial><Dial><Number>+81</Number>' },
  { name: '<Sip> element', value: '<Sip>sip:x@y</Sip>' },
  { name: 'CDATA end', value: ']]><Number>+81</Number>' },
  { name: 'escaped markup', value: '&lt;Number&gt;' },
  // Other kinds of address
  { name: 'client: prefix', value: 'client:alice' },
  { name: 'E.164 number', value: '+819012345678' },
  { name: 'formatted number', value: '+1 (415) 555-0100' },
  { name: 'tel: URI', value: 'tel:+819012345678' },
  { name: 'SIP URI', value: 'sip:alice@example.com' },
  { name: 'SIPS URI with port', value: 'sips:alice@example.com:5061' },
  { name: 'SIP URI parameter', value: 'sip:alice@example.com;transport=tcp' },
  { name: 'e-mail address', value: 'alice@example.com' },
  // Separators and paths
  { name: 'path traversal', value: '../../etc/passwd' },
  { name: 'slash', value: 'alice/bob' },
  { name: 'comma list', value: 'alice,bob' },
  { name: 'semicolon', value: 'alice;bob' },
  { name: 'parameter smuggling', value: 'alice&grants=video' },
  // Payloads aimed at other interpreters
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-style payload, meant literally
  { name: 'template injection', value: '${jndi:ldap://x}' },
  { name: 'template expression', value: '{{7*7}}' },
  { name: 'SQL statement', value: "'; DROP TABLE users;--" },
  { name: 'SQL tautology', value: "' OR 1=1 --" },
];
