// What profiling showed for a figure that misses its goal. Shown in BENCHMARKS.md only while that
// figure misses; keep each note to what was measured, and update it when the code changes.
export interface Note {
  /** Figure keys (prefixes) the note explains. */
  keys: string[];
  title: string;
  text: string;
}

export const NOTES: Note[] = [];
