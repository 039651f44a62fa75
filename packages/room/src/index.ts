export {
  type InstructorAccess,
  type InstructorRequest,
  instructorAccess,
  isLoopbackAddress,
} from './access.js';
export { type BoardOptions, buildSnapshot } from './board.js';
export { helpMain, joinMain, leaveMain } from './commands/index.js';
export {
  type AccountTables,
  loadMemberKeys,
  type MemberKey,
  type RoomAccount,
} from './credentials.js';
export { type CsvOptions, csvCell, exportCsv } from './csv.js';
export { buildDirectory } from './directory.js';
export { EventLog, readLog } from './event-log.js';
export { parseEvent, type RoomEvent, type RoomEventBody } from './events.js';
export { exportMain } from './instructor/export-command.js';
export { ROOM_DEFAULT_PORT, roomDataDir, roomMain } from './instructor/room-command.js';
export {
  memberVoiceUrl,
  type RoomEmulator,
  type RoomEmulatorOptions,
  startRoomEmulator,
} from './room-emulator.js';
export { KEY_FILE, LOG_FILE, RoomStartError } from './room-files.js';
export {
  checkReportAgainstSteps,
  type MemberKeyChange,
  ROOM_HELLO,
  type RoomPhones,
  type RoomServerOptions,
  type RunningRoom,
  startRoomServer,
} from './server.js';
export { EMPTY_ROOM, type MemberState, type RoomState, reduce, replay } from './state.js';
