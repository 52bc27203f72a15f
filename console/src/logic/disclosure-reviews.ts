/**
 * An exceptional disclosure's review, as the console offers it: nobody completes the review of a disclosure they made
 * or recorded (the API refuses both, rule `review.own` and `review.maker`, decision 0142), so the console tells them
 * why instead of offering the finding. The Caldicott Guardian may record a disclosure for the staff member who made
 * it: then the two differ.
 */

/** Who made and who recorded a disclosure: StaffMember global ids, as the review gives them. */
export interface DisclosureParties {
  readonly madeBy: string;
  readonly recordedBy: string;
}

/** The viewer's part in the disclosure: they made it (and may have recorded it too), only recorded it, or neither. */
export type PartInDisclosure = 'MADE' | 'RECORDED' | undefined;

export function partInDisclosure(
  disclosure: DisclosureParties,
  viewerStaffId: string | undefined,
): PartInDisclosure {
  if (!viewerStaffId) return undefined;
  if (disclosure.madeBy === viewerStaffId) return 'MADE';
  if (disclosure.recordedBy === viewerStaffId) return 'RECORDED';
  return undefined;
}

/** Someone else recorded the disclosure for the one who made it. */
export const recordedForAnother = (disclosure: DisclosureParties) =>
  disclosure.madeBy !== disclosure.recordedBy;
