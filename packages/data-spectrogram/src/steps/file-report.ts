import { writeFileAtomic } from '@hitcast/core';

export type FileStatus = 'matched' | 'unmatched' | 'duplicate' | 'decode-error' | 'unparsable-name';

/** One spectrogram file's outcome, for report.csv. */
export interface FileOutcome {
  file: string;
  status: FileStatus;
  detail: string;
}

/** report.csv: one line per file (file, status, detail), sorted by file. */
export async function writeFileReport(reportFile: string, outcomes: FileOutcome[]): Promise<void> {
  const sorted = [...outcomes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  await writeFileAtomic(reportFile, ['file,status,detail', ...sorted.map((r) => [r.file, r.status, r.detail].map(csvField).join(','))].join('\n') + '\n');
}
