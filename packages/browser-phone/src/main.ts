// First: the WebSocket rewrite must be in place before the Voice SDK (inlined
// into this page) is evaluated. See emulator-mode.ts, installSignalingRewrite.
import './signaling.js';
import './style.css';
import { PhoneApp } from './app.js';
import { findPhoneElements } from './dom.js';
import { findEmulator } from './emulator-mode.js';
import { findDirectoryElements, startDirectory } from './room-directory.js';
import { findRoom, findRoomElements, startRoomPanel } from './room-panel.js';

// The token Function sits beside the page on the same Functions service.
const TOKEN_URL = new URL('/voice-token', window.location.href).toString();

// Asked once, at start-up: the kit's local server says whether this workspace joined a
// room and where its emulator is; Twilio does neither.
const roomFound = findRoom();
const app = new PhoneApp(
  findPhoneElements(),
  TOKEN_URL,
  findEmulator(window.location, fetch, roomFound),
);
app.start();

// The 「教室」 panel, only when the kit's local server says this workspace joined a room;
// there the phone registers only as the name the attendee owns in the room and, when
// the kit runs with --room (its phone on the room's emulator), lists the room's
// phones (「教室の電話」) to call by name.
const roomElements = findRoomElements();
void roomFound.then((room) => {
  startRoomPanel(roomElements, room);
  if (room === null) return;
  if (room.identity) app.useRoomIdentity(room.identity);
  if (!room.calls) return;
  startDirectory(findDirectoryElements(), { phone: app, roomIdentity: room.identity });
});
