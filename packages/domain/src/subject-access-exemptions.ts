/**
 * The exemptions a note can be withheld from the person under (ACCESS-MODEL.md, Principals: "except items withheld
 * under a recorded exemption"), from the UK Data Protection Act 2018. Each is kept with the note it withholds.
 */
export const SUBJECT_ACCESS_EXEMPTIONS = {
  SERIOUS_HARM:
    'Telling the person would be likely to cause serious harm to their or someone else’s physical or mental health (DPA 2018 Sch. 3, the serious harm test).',
  THIRD_PARTY:
    'It would tell the person about someone else who has not agreed, and telling without their agreement is not reasonable (DPA 2018 Sch. 2 para. 16).',
  CRIME_PREVENTION:
    'Telling the person would be likely to prejudice the prevention or detection of crime (DPA 2018 Sch. 2 para. 2).',
  LEGAL_PRIVILEGE: 'The note is covered by legal professional privilege (DPA 2018 Sch. 2 para. 19).',
} as const;

export type SubjectAccessExemption = keyof typeof SUBJECT_ACCESS_EXEMPTIONS;
export const SUBJECT_ACCESS_EXEMPTION_NAMES = Object.keys(
  SUBJECT_ACCESS_EXEMPTIONS,
) as SubjectAccessExemption[];

export function isSubjectAccessExemption(value: unknown): value is SubjectAccessExemption {
  return typeof value === 'string' && Object.hasOwn(SUBJECT_ACCESS_EXEMPTIONS, value);
}
