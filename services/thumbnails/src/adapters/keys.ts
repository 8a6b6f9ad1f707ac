// Every key of the media table, built here and nowhere else. A user's records share a partition, so a
// record is one GetItem and a deleted user's records are one Query away, with no Scan and no index:
//   media   pk USER#<ownerId>   sk MEDIA#<key>   one upload's record (a pending one expires: TTL expiresAt)

export interface TableKey {
  pk: string;
  sk: string;
}

export const keys = {
  media: (ownerId: string, mediaKey: string): TableKey => ({ pk: keys.userPartition(ownerId), sk: `MEDIA#${mediaKey}` }),
  userPartition: (ownerId: string): string => `USER#${ownerId}`,
};
