export { HELP_USAGE, helpMain } from './help.js';
export type { RoomCommandIo } from './io.js';
export { JOIN_USAGE, joinMain, SHARING_NOTICE } from './join.js';
export { LEAVE_USAGE, leaveMain } from './leave.js';
