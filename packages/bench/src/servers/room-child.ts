import { startRoomServer } from '@kit/room';

/**
 * The room server in a process of its own, so the bench can kill it outright
 * (SIGKILL, as a crash or a pulled plug would) and start it again on the same
 * folder. Replies once with where it listens; exits when the parent disconnects.
 */
export interface RoomChildRequest {
  dataDir: string;
  port: number;
  code: string;
}
export type RoomChildReply = { url: string; code: string; resumed: boolean } | { error: string };

process.once('message', async (request: RoomChildRequest) => {
  try {
    const room = await startRoomServer({
      dataDir: request.dataDir,
      host: '127.0.0.1',
      port: request.port,
      code: request.code,
      stageTitles: { '3-4': 'identity の検査' },
    });
    const reply: RoomChildReply = { url: room.url, code: room.code, resumed: room.resumed };
    process.send?.(reply);
  } catch (error) {
    const reply: RoomChildReply = {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
    process.send?.(reply);
  }
});
process.once('disconnect', () => process.exit(0));
