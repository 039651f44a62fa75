export { callbackLesson, describeLesson, type Lesson } from './callback.js';
export { type CheckReport, checkFolder, formatReport, reportPassed } from './check.js';
export { createWorkspace, workspaceDir } from './workspace.js';
