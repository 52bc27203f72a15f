import { dateTimeWords } from './time-words';

/**
 * When an emergency (break-glass) access ends, in words that hold whenever they are read: an access lasts until its
 * `until` (at most an hour), unless its review is completed first, which ends it (`completeEmergencyAccessReview`).
 * A completed review says when (`reviewedAt`): the access ended then, or at `until` if that came first. A review read
 * without it (an older reading) leaves that open: then, or at `until`, whichever came first. Pure: `now` is passed in.
 */
export function emergencyAccessEndWords(
  review: { readonly status: string; readonly until: string; readonly reviewedAt?: string | null },
  now: Date,
): [label: string, words: string] {
  const until = dateTimeWords(review.until);
  const untilTime = new Date(review.until).getTime();
  const open = untilTime > now.getTime();
  if (review.status === 'COMPLETED' && review.reviewedAt) {
    const completed = dateTimeWords(review.reviewedAt);
    return new Date(review.reviewedAt).getTime() < untilTime
      ? ['Access ended', `when this review was completed, ${completed} (it was to last until ${until})`]
      : ['Access ended', `${until} (this review was completed later, ${completed})`];
  }
  if (review.status === 'COMPLETED') {
    return open
      ? ['Access ended', `when this review was completed (it was to last until ${until})`]
      : ['Access ended', `${until}, or sooner if this review was completed before`];
  }
  return open ? ['Access ends', `${until} (still open)`] : ['Access ended', until];
}
