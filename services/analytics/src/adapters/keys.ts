// Every key of the aggregates table (TABLES.md lists the items). Days are UTC dates (YYYY-MM-DD), so a range of
// days is a range of sort keys.
export const keys = {
  /** The per-install rate window. */
  installRate: (installId: string) => ({ pk: `INSTALL#${installId}`, sk: 'RATE' }),
  /** A claimed event id (7 days): who claimed it. */
  eventClaim: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'CLAIM' }),
};
