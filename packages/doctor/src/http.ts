export {
  requestText as fetchText,
  type TextResponse as SimpleResponse,
} from '@kit/shared/http';

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
