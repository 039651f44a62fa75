import type { Page } from '@playwright/test';

/**
 * Test-only instrumentation, injected by Playwright before the page loads: keeps
 * every RTCPeerConnection the page creates, so the test can read getStats().
 */
export const recordPeerConnections = () => {
  const Native = window.RTCPeerConnection;
  const seen: RTCPeerConnection[] = [];
  (window as unknown as { __kitPeerConnections: RTCPeerConnection[] }).__kitPeerConnections = seen;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      seen.push(this);
    }
  };
};

/** Audio RTP packets received so far on the page's open peer connections. */
export function inboundAudioPackets(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const connections =
      (window as unknown as { __kitPeerConnections?: RTCPeerConnection[] }).__kitPeerConnections ??
      [];
    let total = 0;
    for (const connection of connections) {
      if (connection.connectionState === 'closed') continue;
      const stats = await connection.getStats();
      stats.forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio')
          total += report.packetsReceived ?? 0;
      });
    }
    return total;
  });
}

/**
 * The remote address of the candidate pair each open connection uses now
 * (WebRTC stats: transport → selected pair → remote candidate): where the
 * page's media actually goes.
 */
export function selectedRemoteAddresses(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const connections =
      (window as unknown as { __kitPeerConnections?: RTCPeerConnection[] }).__kitPeerConnections ??
      [];
    const addresses: string[] = [];
    for (const connection of connections) {
      if (connection.connectionState === 'closed') continue;
      const reports = new Map<string, Record<string, unknown>>();
      (await connection.getStats()).forEach((report: Record<string, unknown>) => {
        reports.set(String(report.id), report);
      });
      for (const report of reports.values()) {
        if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string')
          continue;
        const pair = reports.get(report.selectedCandidatePairId);
        const remote = pair ? reports.get(String(pair.remoteCandidateId)) : undefined;
        if (typeof remote?.address === 'string') addresses.push(remote.address);
      }
    }
    return addresses;
  });
}
