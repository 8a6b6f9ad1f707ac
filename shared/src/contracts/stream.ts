// A DynamoDB stream that other code reads: which items of the table it covers and the schema of their images.
// The consumer factory (shared/src/consumers/dynamodb-stream.ts) unmarshalls each record and parses it here.
import * as z from 'zod/mini';
import { foreign, invalid, issuesOf, parsed } from './contract';
import type { ParseResult } from './contract';

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** A record with its images unmarshalled, before the contract read them. */
export interface RawStreamChange {
  eventName: StreamEventName;
  newImage: Record<string, unknown> | undefined;
  oldImage: Record<string, unknown> | undefined;
  /** The item's key attributes (every view type carries them). */
  keys?: Record<string, unknown> | undefined;
}

/**
 * What the table's stream records carry (its StreamViewType). NEW_AND_OLD_IMAGES: both images. KEYS_ONLY: the
 * item's key alone, which the contract then reads as the image(s) the change has: the new one for INSERT and
 * MODIFY, the old one for MODIFY and REMOVE (so a reader of deletions reads `oldImage` in both views).
 */
export type StreamView = 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';

/** A record the contract covers, with typed images (INSERT has no old image, REMOVE no new one). */
export interface StreamChange<Image> {
  eventName: StreamEventName;
  newImage: Image | undefined;
  oldImage: Image | undefined;
}

export interface StreamContract<Image = unknown> {
  /** The table whose stream this is, and its owner. */
  readonly name: string;
  readonly version: number;
  readonly owner: string;
  /** Default NEW_AND_OLD_IMAGES; with KEYS_ONLY, `covers` and `image` read the item's key. */
  readonly view?: StreamView;
  /** True for the items this contract describes; the table's other items are foreign to it. */
  covers(image: Record<string, unknown>): boolean;
  readonly image: z.ZodMiniType<Image>;
}

export function defineStream<S extends z.ZodMiniType>(definition: {
  name: string;
  version: number;
  owner: string;
  view?: StreamView;
  covers(image: Record<string, unknown>): boolean;
  image: S;
}): StreamContract<z.output<S>> & { image: S } {
  // S is a schema whose output is z.output<S>; the compiler cannot see that through the generic.
  return definition as StreamContract<z.output<S>> & { image: S };
}

export type StreamImage<C extends StreamContract> = C extends StreamContract<infer Image> ? Image : never;

/** What a KEYS_ONLY contract reads as a record's images: its key, in place of each image the change has. */
function keysAsImages(change: RawStreamChange): Pick<RawStreamChange, 'newImage' | 'oldImage'> {
  return {
    newImage: change.eventName === 'REMOVE' ? undefined : change.keys,
    oldImage: change.eventName === 'INSERT' ? undefined : change.keys,
  };
}

/** Reads both images of a record; a record neither of whose images the contract covers is foreign. */
export function parseStreamChange<Image>(contract: StreamContract<Image>, change: RawStreamChange): ParseResult<StreamChange<Image>> {
  const { newImage, oldImage } = contract.view === 'KEYS_ONLY' ? keysAsImages(change) : change;
  const covered = (image: Record<string, unknown> | undefined) => image !== undefined && contract.covers(image);
  if (!covered(newImage) && !covered(oldImage)) return foreign(`not an item of ${contract.name}`);
  const issues: string[] = [];
  const read = (image: Record<string, unknown> | undefined, name: string): Image | undefined => {
    if (image === undefined) return undefined;
    const result = z.safeParse(contract.image, image);
    if (!result.success) issues.push(...issuesOf(result.error, name));
    return result.success ? result.data : undefined;
  };
  const next = read(newImage, 'newImage');
  const previous = read(oldImage, 'oldImage');
  if (issues.length > 0) return invalid(issues);
  return parsed({ eventName: change.eventName, newImage: next, oldImage: previous });
}
