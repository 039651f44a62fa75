/**
 * The baseline page: a bare RTCPeerConnection call between two pages, no SDK,
 * its SDP relayed by a plain WebSocket on loopback. It does what the phone's
 * call needs at the WebRTC level (microphone, offer/answer with ICE gathered
 * before sending, as the kit's phone does for the emulator, connection up)
 * and nothing else, so the difference to the phone is the SDK, the emulator's
 * routing and the step-04 webhook.
 */
export const BASELINE_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>baseline</title></head><body>
<script>
const now = () => performance.timeOrigin + performance.now();
const role = new URLSearchParams(location.search).get('role');
const log = [];
let pc = null;
let stream = null;
let pendingOffer = null;
const socket = new WebSocket('ws://' + location.host + '/relay?role=' + role);
const gathered = (connection) => new Promise((resolve) => {
  if (connection.iceGatheringState === 'complete') return resolve();
  connection.addEventListener('icegatheringstatechange', () => {
    if (connection.iceGatheringState === 'complete') resolve();
  });
});
async function preparePeer() {
  stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.addEventListener('connectionstatechange', () => {
    if (pc && pc.connectionState === 'connected') log.push({ event: 'open', at: now() });
  });
}
socket.addEventListener('message', async (message) => {
  const data = JSON.parse(message.data);
  if (data.type === 'offer') {
    pendingOffer = data.sdp;
    log.push({ event: 'incoming', at: now() });
  } else if (data.type === 'answer') {
    await pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
  }
});
window.bench = {
  log,
  ready: new Promise((resolve) => socket.addEventListener('open', resolve)),
  async call() {
    const started = now();
    await preparePeer();
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    socket.send(JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }));
    return started;
  },
  async accept() {
    const started = now();
    await preparePeer();
    await pc.setRemoteDescription({ type: 'offer', sdp: pendingOffer });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    socket.send(JSON.stringify({ type: 'answer', sdp: pc.localDescription.sdp }));
    return started;
  },
  hangup() {
    if (pc) pc.close();
    if (stream) for (const track of stream.getTracks()) track.stop();
    pc = null;
    stream = null;
    pendingOffer = null;
    log.length = 0;
  },
};
</script></body></html>`;
