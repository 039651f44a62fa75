import type { RestClient } from './rest-client.js';

export interface VoiceUrlChange {
  changed: boolean;
  previous: string;
}

/** Points the TwiML App's Voice URL (POST) at a deployed /call; leaves it alone if it already does. */
export async function pointVoiceUrl(
  client: RestClient,
  appSid: string,
  voiceUrl: string,
): Promise<VoiceUrlChange> {
  const app = await client.applications(appSid).fetch();
  if (app.voiceUrl === voiceUrl && app.voiceMethod === 'POST') {
    return { changed: false, previous: app.voiceUrl };
  }
  await client.applications(appSid).update({ voiceUrl, voiceMethod: 'POST' });
  return { changed: true, previous: app.voiceUrl ?? '' };
}
