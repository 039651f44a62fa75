/**
 * Whether an offer asks for media but gives no ICE candidate to reach it.
 * The SDK sends its SDP as soon as `setLocalDescription` resolves, before any
 * candidate is gathered (PROTOCOL.md §8): Twilio's media servers cope, but a
 * browser at the other end of this relay has nowhere to send audio, so the
 * call would connect and stay silent. Candidates belong to media sections: an
 * SDP with no `m=` line offers no media and has nothing to connect (the
 * placeholder offers of the protocol tests and the bench are such).
 */
export function offersMediaWithoutCandidates(sdp: string): boolean {
  const lines = sdp.split(/\r?\n/);
  return (
    lines.some((line) => line.startsWith('m=')) &&
    !lines.some((line) => line.startsWith('a=candidate'))
  );
}
