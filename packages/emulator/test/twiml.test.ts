import { describe, expect, it } from 'vitest';
import { encodeCustomParams, parseTwiml } from '../src/index.js';

describe('parseTwiml', () => {
  it('reads what step-04 /call answers', () => {
    const result = parseTwiml(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="client:alice" answerOnBridge="true"><Client>bob</Client></Dial></Response>',
    );
    expect(result).toEqual({
      ok: true,
      verbs: [
        {
          verb: 'Dial',
          clients: [{ identity: 'bob', parameters: {} }],
          timeoutSeconds: null,
          callerId: 'client:alice',
          answerOnBridge: true,
        },
      ],
    });
  });

  it('keeps the verbs in order, with their attributes, and ignores comments', () => {
    const result = parseTwiml(
      '<Response><!-- hi --><Say language="ja-JP"> こんにちは &amp; </Say><Pause length="2"/><Play>http://x/a.mp3</Play><Dial timeout="12"><Client><Identity>bob</Identity><Parameter name="k" value="v"/></Client><Client>carol</Client></Dial><Reject reason="busy"/><Hangup/></Response>',
    );
    expect(result.ok && result.verbs.map((verb) => verb.verb)).toEqual([
      'Say',
      'Pause',
      'Play',
      'Dial',
      'Reject',
      'Hangup',
    ]);
    if (!result.ok) return;
    expect(result.verbs[0]).toEqual({ verb: 'Say', text: 'こんにちは &' });
    expect(result.verbs[1]).toEqual({ verb: 'Pause', seconds: 2 });
    expect(result.verbs[3]).toMatchObject({
      timeoutSeconds: 12,
      clients: [
        { identity: 'bob', parameters: { k: 'v' } },
        { identity: 'carol', parameters: {} },
      ],
    });
    expect(result.verbs[4]).toEqual({ verb: 'Reject', reason: 'busy' });
  });

  it('caps Dial timeouts at 600 s and pauses at 60 s', () => {
    const result = parseTwiml(
      '<Response><Pause length="999"/><Dial timeout="9999"><Client>b</Client></Dial></Response>',
    );
    expect(result).toMatchObject({ ok: true, verbs: [{ seconds: 60 }, { timeoutSeconds: 600 }] });
  });

  it.each([
    ['', /XML|Response/],
    ['not xml', /XML|Response/],
    ['<Response><Say>unclosed</Response>', /XML/],
    ['<Response/><Response/>', /Response|XML/],
    ['<Dial><Client>b</Client></Dial>', /Response/],
    ['<Response><Dial><Number>+81</Number></Dial></Response>', /Number/],
    ['<Response><Dial><Conference>r</Conference></Dial></Response>', /Conference/],
    ['<Response><Dial>+819012345678</Dial></Response>', /電話番号/],
    ['<Response><Dial></Dial></Response>', /Client/],
    ['<Response><Dial timeout="soon"><Client>b</Client></Dial></Response>', /timeout/],
    ['<Response><Dial><Client> </Client></Dial></Response>', /identity/],
    ['<Response><Dial><Client>b<Parameter value="x"/></Client></Dial></Response>', /name/],
    ['<Response><Enqueue>q</Enqueue></Response>', /Enqueue/],
    ['<Response>text</Response>', /文字列/],
    ['<Response><Pause length="-1"/></Response>', /Pause/],
  ])('refuses %j', (xml, reason) => {
    const result = parseTwiml(xml);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('encodeCustomParams', () => {
  it("encodes values the way the SDK's queryToJson decodes them, and drops keys it would split", () => {
    expect(
      encodeCustomParams({ Custom1: 'foo + bar', 'we ird': 'a=b&c', 'a&b': 'x', 'p%41': 'y' }),
    ).toBe('Custom1=foo%20%2B%20bar&we ird=a%3Db%26c');
  });
});
