import twilio from 'twilio';

/** What Twilio sends to a TwiML App's Voice URL when a browser calls (see Twilio's webhook docs). */
export function voiceWebhookParams(
  accountSid: string,
  overrides: Record<string, string>,
): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    ApplicationSid: `AP${'0'.repeat(32)}`,
    CallSid: `CA${'1'.repeat(32)}`,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: 'client:alice',
    Caller: 'client:alice',
    To: 'bob',
    ...overrides,
  };
}

/** POSTs a form the way Twilio does, signed with X-Twilio-Signature (or not, or wrongly). */
export async function postForm(
  url: string,
  params: Record<string, string>,
  signing: { authToken: string } | { signature: string } | 'unsigned',
): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (signing !== 'unsigned') {
    headers['x-twilio-signature'] =
      'signature' in signing
        ? signing.signature
        : twilio.getExpectedTwilioSignature(signing.authToken, url, params);
  }
  return fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
}
