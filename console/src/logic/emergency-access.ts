import { dateTimeWords } from './time-words';

/**
 * When an emergency (break-glass) access ends, in words that hold whenever they are read: an access lasts until its
 * `until` (at most an hour), unless its review is completed first, which ends it (`completeEmergencyAccessReview`).
 * A review does not say when it was completed, so an access whose review is completed ended then, or at `until`,
 * whichever came first. Pure: `now` is passed in.
 */
export function emergencyAccessEndWords(
  review: { readonly status: string; readonly until: string },
  now: Date,
): [label: string, words: string] {
  const until = dateTimeWords(review.until);
  const open = new Date(review.until).getTime() > now.getTime();
  if (review.status === 'COMPLETED') {
    return open
      ? ['Access ended', `when this review was completed (it was to last until ${until})`]
      : ['Access ended', `${until}, or sooner if this review was completed before`];
  }
  return open ? ['Access ends', `${until} (still open)`] : ['Access ended', until];
}
