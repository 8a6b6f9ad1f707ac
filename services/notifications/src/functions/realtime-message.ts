// $default of the realtime WebSocket: every client frame gets one answer frame (API.md "Realtime"), sent back as the
// route's response; a frame the server cannot use is an error frame, and the connection stays open.
import type { Logger } from '@photonotes/shared/log';
import { websocket } from '@photonotes/shared/websocket';
import { answerFrame, frameError } from '../domain/realtime';

export function realtimeMessageHandler(options: { logger?: Logger } = {}) {
  return websocket({
    service: 'notifications',
    authenticate: false,
    errorFrame: (message) => JSON.stringify(frameError('INTERNAL', message)),
    ...options,
  }).handler(async ({ event }) => ({ statusCode: 200, body: JSON.stringify(answerFrame(event)) }));
}

export const handler = realtimeMessageHandler();
