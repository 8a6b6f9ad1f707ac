// Every key of the media table, built here and nowhere else. A user's items share a partition, so a record is
// one GetItem, a user's quota counters one Query, and a deleted user's items one Query away, with no Scan and no
// index (TABLES.md):
//   media     pk USER#<ownerId>   sk MEDIA#<key>        one upload's record (a pending one expires: TTL expiresAt)
//   pending   pk USER#<ownerId>   sk PENDING#<nn>       a pending-upload slot, nn = 00..98 (TTL expiresAt)
//   bytes     pk USER#<ownerId>   sk BYTES#<YYYY-MM-DD> the bytes declared that UTC day (TTL expiresAt)
//   note      pk USER#<ownerId>   sk NOTE#<noteId>      the last note.changed applied for a note: the upload it holds
//                                                       (a deleted note's: TTL expiresAt)

export interface TableKey {
  pk: string;
  sk: string;
}

export const pendingSlotPrefix = 'PENDING#';

export const keys = {
  media: (ownerId: string, mediaKey: string): TableKey => ({ pk: keys.userPartition(ownerId), sk: `MEDIA#${mediaKey}` }),
  pendingSlot: (ownerId: string, slot: number): TableKey => ({ pk: keys.userPartition(ownerId), sk: `${pendingSlotPrefix}${String(slot).padStart(2, '0')}` }),
  uploadBytes: (ownerId: string, day: string): TableKey => ({ pk: keys.userPartition(ownerId), sk: `BYTES#${day}` }),
  noteReference: (ownerId: string, noteId: string): TableKey => ({ pk: keys.userPartition(ownerId), sk: `NOTE#${noteId}` }),
  userPartition: (ownerId: string): string => `USER#${ownerId}`,
};
