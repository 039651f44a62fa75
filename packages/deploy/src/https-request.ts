import { requestText, type TextRequestOptions, type TextResponse } from '@kit/shared/http';

export type SimpleResponse = TextResponse;

/** A request to the deployed domain (through HTTP_PROXY when set); 20 s, as a fresh build can be slow to answer. */
export function httpsRequest(
  url: string,
  options: TextRequestOptions & { method: 'GET' | 'POST' },
): Promise<SimpleResponse> {
  return requestText(url, { timeoutMs: 20_000, ...options });
}
