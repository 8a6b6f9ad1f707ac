// Every key of the notes table, built here and nowhere else. One table holds:
//   note            pk NOTE#<id>        sk NOTE               gsi1 OWNER#<ownerId> / <createdAt>#<id>   (own list)
//   share           pk NOTE#<id>        sk SHARE#<userId>     gsi1 SHARED#<userId> / <createdAt>#<id>   (shared list; a copy of the note)
//   note-tombstone  pk NOTE#<id>        sk TOMBSTONE          keeps a deleted note's id taken (TTL expiresAt)
//   feed-head       pk FEED#<ownerId>   sk HEAD               the last sequence number of the owner's change feed
//   feed-change     pk FEED#<ownerId>   sk CHANGE#<seq>       one entry per note: its latest upsert or its delete
//   shared-head     pk SFEED#<userId>   sk HEAD               the last sequence number of the user's shared feed
//                                                             (closedAt once the account is deleted; TTL expiresAt)
//   shared-change   pk SFEED#<userId>   sk CHANGE#<seq>       one entry per note shared with the user (or unshared
//                                                             from them): its latest upsert or its delete
//   shared-note     pk SFEED#<userId>   sk NOTE#<noteId>      where that note's entry is (seq) and which version of
//                                                             the note it shows (version, deleted)
//   media           pk MEDIA#<key>      sk MEDIA              processing state of an upload + the notes using it
//                                                             gsi1 UPLOADS#<ownerId> / <key>
//   known-user      pk USER#<userId>    sk KNOWN              a user id that exists (from user-events), or its
//                                                             tombstone after the account's deletion (TTL expiresAt)
// Every item carries `entity` (the names above), so stream consumers can pick the notes out.

export const entities = {
  note: 'note',
  share: 'share',
  tombstone: 'note-tombstone',
  feedHead: 'feed-head',
  feedChange: 'feed-change',
  sharedHead: 'shared-head',
  sharedChange: 'shared-change',
  sharedNote: 'shared-note',
  media: 'media',
  knownUser: 'known-user',
} as const;

export type Entity = (typeof entities)[keyof typeof entities];

export interface TableKey {
  pk: string;
  sk: string;
}

export const ownerIndex = 'gsi1';

// Sequence numbers are microseconds since the epoch: 16 digits until the year 2286.
const seqDigits = 16;
const changePrefix = 'CHANGE#';

export const keys = {
  note: (id: string): TableKey => ({ pk: `NOTE#${id}`, sk: 'NOTE' }),
  tombstone: (id: string): TableKey => ({ pk: `NOTE#${id}`, sk: 'TOMBSTONE' }),
  share: (id: string, userId: string): TableKey => ({ pk: `NOTE#${id}`, sk: `SHARE#${userId}` }),
  feedHead: (ownerId: string): TableKey => ({ pk: `FEED#${ownerId}`, sk: 'HEAD' }),
  feedChange: (ownerId: string, seq: number): TableKey => ({ pk: `FEED#${ownerId}`, sk: changeSortKey(seq) }),
  feedPartition: (ownerId: string): string => `FEED#${ownerId}`,
  /** The feed entries after `seq` are the sort keys in [from, to]; the head sorts outside that range. */
  feedRangeAfter: (seq: number): { from: string; to: string } => ({ from: changeSortKey(seq + 1), to: `${changePrefix}${'9'.repeat(seqDigits)}` }),
  sharedHead: (userId: string): TableKey => ({ pk: `SFEED#${userId}`, sk: 'HEAD' }),
  sharedChange: (userId: string, seq: number): TableKey => ({ pk: `SFEED#${userId}`, sk: changeSortKey(seq) }),
  sharedNote: (userId: string, noteId: string): TableKey => ({ pk: `SFEED#${userId}`, sk: `NOTE#${noteId}` }),
  sharedPartition: (userId: string): string => `SFEED#${userId}`,
  media: (key: string): TableKey => ({ pk: `MEDIA#${key}`, sk: 'MEDIA' }),
  knownUser: (userId: string): TableKey => ({ pk: `USER#${userId}`, sk: 'KNOWN' }),
  /** gsi1 partitions. */
  ownNotes: (ownerId: string): string => `OWNER#${ownerId}`,
  sharedNotes: (userId: string): string => `SHARED#${userId}`,
  uploads: (ownerId: string): string => `UPLOADS#${ownerId}`,
  /** gsi1 sort key of notes and share entries: newest first when read backwards. */
  newestFirst: (note: { createdAt: string; id: string }): string => `${note.createdAt}#${note.id}`,
};

function changeSortKey(seq: number): string {
  return `${changePrefix}${String(seq).padStart(seqDigits, '0')}`;
}
