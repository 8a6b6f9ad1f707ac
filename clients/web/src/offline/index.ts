// The web client's offline data layer, UI-free: an IndexedDB store of notes, cursors, outbox and conflicts,
// and the engine that syncs it with the API through @photonotes/client.
export { createSyncEngine } from './engine';
export type { Clock, EngineStatus, OnlineSignal, SyncEngine, SyncEngineOptions } from './engine';
export type { IdbFactory } from './idb';
export { browserOnlineSignal, manualOnlineSignal, webLock } from './online';
export type { BrowserLike, LocksLike } from './online';
export { realtimeHandlers } from './realtime';
export { openOfflineStore } from './store';
export type { OfflineStore } from './store';
export type { ConflictRecord, LocalNote, LocalState, NoteCreateFields, NoteUpdateFields, OutboxChange, OutboxError, OutboxItem, Resolution, SyncScope } from './types';
