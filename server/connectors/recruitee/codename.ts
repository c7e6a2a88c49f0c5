// A Recruitee marketplace partner codename: asked for by Recruitee's partner definition and by StackOne's
// Recruitee configuration form ("Partner Codename").

/** "It must consist of lowercase letters and dashes (-) and be globally unique" (StackOne's Recruitee guide). */
export const CODENAME_PATTERN = /^[a-z]+(?:-[a-z]+)*$/;
// UNCONFIRMED: no length limit is documented; 64 keeps it a sane URL segment (/p/<codename>/…).
export const CODENAME_MAX = 64;

/** A sentence saying what is wrong with a codename, or null when it is valid. */
export function codenameProblem(value: string, setting = 'codename'): string | null {
  if (value.length > CODENAME_MAX) return `${setting} may have at most ${CODENAME_MAX} characters.`;
  if (!CODENAME_PATTERN.test(value))
    return `${setting} "${value}" must consist of lowercase letters and dashes (e.g. "assay-tests"), starting and ending with a letter.`;
  return null;
}

/** Suggests a codename from a company name ("Assay Demo" → "assay-demo"). */
export function suggestCodename(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, CODENAME_MAX)
    .replace(/-+$/, '');
  return s || 'assessments';
}
