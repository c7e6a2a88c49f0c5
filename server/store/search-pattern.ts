/** A LIKE/ILIKE pattern for "contains", the search text's own wildcards taken literally (escape: backslash). */
export const containsPattern = (s: string) => `%${s.replace(/[\\%_]/g, (ch) => '\\' + ch)}%`;
